import { SnapshotError } from '../../src/shared/errors';
import type { SnapshotManifest } from '../../src/shared/snapshot';

export interface RetentionPolicy {
  /** How many of the newest snapshots (by commit time, then step) to keep. */
  readonly keepLast: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3 };

type Ordered = Pick<SnapshotManifest, 'id' | 'step' | 'createdAt'>;

/**
 * Newest first: later commit first, then higher step, then id so the order is total. Commit
 * time rather than step, so that after a roll back the new branch is the newest and the
 * abandoned branch ages out of retention instead of crowding out the live one.
 */
export function newestFirst(a: Ordered, b: Ordered): number {
  return b.createdAt - a.createdAt || b.step - a.step || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export interface PruneRule {
  readonly keepLast: number;
  /** Keep the snapshot with the lowest validation loss. */
  readonly keepBest: boolean;
  /** Ids never pruned: the snapshot being committed and the run's last good one. */
  readonly protect: ReadonlySet<string>;
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
