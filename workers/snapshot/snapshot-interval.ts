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

/** When the next timed snapshot is due (performance.now() ms), one interval after the last. */
export class SnapshotTimer {
  readonly interval: SnapshotInterval;
  private dueAt = Infinity;

  constructor(
    policy: SnapshotPolicy,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.interval = new SnapshotInterval(policy);
  }

  get due(): boolean {
    return this.now() >= this.dueAt;
  }

  /** The next is due one interval after `from`: a capture, training resumed, a new policy. */
  restart(from: number = this.now()): void {
    this.dueAt = from + this.interval.seconds() * 1000;
  }

  /** After a failed snapshot: the next this soon, or at its usual time if that is sooner. */
  retryWithin(ms: number): void {
    this.dueAt = Math.min(this.dueAt, this.now() + ms);
  }

  setPolicy(policy: SnapshotPolicy): void {
    this.interval.setPolicy(policy);
    this.restart();
  }

  /** A committed snapshot's cost; the due time moves by as much as the interval changed. */
  recordCost(ms: number): void {
    const before = this.interval.seconds();
    this.interval.recordCost(ms);
    if (Math.round(before) !== Math.round(this.interval.seconds())) {
      this.dueAt += (this.interval.seconds() - before) * 1000;
    }
  }
}
