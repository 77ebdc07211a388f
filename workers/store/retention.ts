import { SnapshotError } from '../../src/shared/errors';
import { newestFirst } from '../../src/shared/newest-first';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import { lineOf, rewindTarget } from './lineage';

export interface RetentionPolicy {
  /** How many of the newest snapshots (newestFirst: by commit time, then step) to keep. */
  readonly keepLast: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3 };

export interface PruneRule {
  readonly keepLast: number;
  /** Keep the snapshot with the lowest validation loss. */
  readonly keepBest: boolean;
  /** Ids never pruned: the snapshot being committed and the run's last good one. */
  readonly protect: ReadonlySet<string>;
  /**
   * While the divergence guard is on: the line's head, whose rewind target for a spike at the
   * next step is kept (the newest snapshot of its line at least `margin` steps back).
   */
  readonly guard?: GuardAnchor | null;
}

export interface GuardAnchor {
  readonly headId: string;
  readonly margin: number;
}

/** The guard's anchor for a line whose newest snapshot is `head`; null when its guard is off. */
export function guardAnchor(head: Pick<SnapshotManifest, 'id' | 'config'>): GuardAnchor | null {
  // A config stored before the guard existed has no `guard` key: off, as it was.
  return head.config.guard === 1 ? { headId: head.id, margin: head.config.rewindMargin } : null;
}

/** The snapshot a spike right after the anchor's head would rewind to, which must be kept. */
export function guardKeeps(
  manifests: readonly SnapshotManifest[],
  anchor: GuardAnchor,
): SnapshotManifest | null {
  const line = lineOf(manifests, anchor.headId);
  const head = line[0];
  return head === undefined ? null : rewindTarget(line, head.step + 1, anchor.margin);
}

/**
 * The ids to delete from one run's snapshots. Must never return a pinned snapshot or one in
 * `protect`, whatever the policy.
 */
export function selectPrunable(manifests: readonly SnapshotManifest[], rule: PruneRule): string[] {
  const ordered = [...manifests].sort(newestFirst);
  const keep = new Set(rule.protect);
  for (const m of ordered.slice(0, rule.keepLast)) keep.add(m.id);
  for (const m of ordered) if (m.pinned) keep.add(m.id);
  if (rule.guard) {
    const target = guardKeeps(ordered, rule.guard);
    if (target !== null) keep.add(target.id);
  }
  if (rule.keepBest) {
    const best = bestByValLoss(ordered);
    if (best !== null) keep.add(best.id);
  }
  return ordered.filter((m) => !keep.has(m.id)).map((m) => m.id);
}

/** The snapshot with the lowest finite validation loss; the newest one on a tie. */
export function bestByValLoss(manifests: readonly SnapshotManifest[]): SnapshotManifest | null {
  let best: SnapshotManifest | null = null;
  for (const m of [...manifests].sort(newestFirst)) {
    if (m.valLoss === null || !Number.isFinite(m.valLoss)) continue;
    if (best === null || m.valLoss < (best.valLoss as number)) best = m;
  }
  return best;
}

export function checkPolicy(policy: RetentionPolicy): void {
  if (!Number.isInteger(policy.keepLast) || policy.keepLast < 1) {
    throw new SnapshotError(
      `Retention keepLast must be a whole number of at least 1, got ${policy.keepLast}.`,
    );
  }
}
