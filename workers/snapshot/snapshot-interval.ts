import type { SnapshotIntervalInfo, SnapshotPolicy } from '../../src/shared/config';

export const AUTO_MIN_SECONDS = 5;
export const AUTO_MAX_SECONDS = 600;
/** Before any snapshot has been timed, the automatic interval assumes this. */
const UNMEASURED_SECONDS = 30;
// The cost is smoothed: one slow commit (a busy disk) should not halve the interval's
// responsiveness nor one fast one double it.
const SMOOTHING = 0.3;

/**
 * Young's (1974) optimal checkpoint interval T = sqrt(2·C·M) for a checkpoint cost C and a mean
 * time between interruptions M, clamped to [5 s, 10 min].
 */
export function youngSeconds(costMs: number, mtbiSeconds: number): number {
  const t = Math.sqrt(2 * (costMs / 1000) * mtbiSeconds);
  return Math.min(AUTO_MAX_SECONDS, Math.max(AUTO_MIN_SECONDS, t));
}

/** The snapshot timer's period: fixed by the user, or recomputed as snapshot costs are measured. */
export class SnapshotInterval {
  private costMs: number | null = null;

  constructor(private policy: SnapshotPolicy) {}

  setPolicy(policy: SnapshotPolicy): void {
    this.policy = policy;
  }

  /** A committed snapshot's cost: the time from capture to commit. */
  recordCost(ms: number): void {
    this.costMs = this.costMs === null ? ms : this.costMs + SMOOTHING * (ms - this.costMs);
  }

  seconds(): number {
    if (this.policy.kind === 'fixed') return this.policy.seconds;
    if (this.costMs === null) return UNMEASURED_SECONDS;
    return youngSeconds(this.costMs, this.policy.mtbiSeconds);
  }

  info(): SnapshotIntervalInfo {
    return {
      mode: this.policy.kind,
      seconds: this.seconds(),
      costMs: this.costMs,
      mtbiSeconds: this.policy.kind === 'auto' ? this.policy.mtbiSeconds : null,
    };
  }
}
