import { RunNotFoundError, SnapshotError } from '../../src/shared/errors';
import type { RunRecord, SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';
import type { DatasetRecord } from './store-schema';
import { inTransaction, Writes } from './in-transaction';
import { selectPrunable, type PruneRule } from './retention';
import { tensorRowsOf, type TrainerDatabase } from './store-schema';

/**
 * Test hooks into a commit's transaction. They run synchronously inside it, so a hook that
 * throws or aborts makes the commit fail exactly where a failing write would.
 */
export interface CommitFaults {
  /** Before each tensor put; `attempt` is 1, or 2 for the retry after a quota failure. */
  beforeTensorPut?(info: {
    snapshotId: string;
    name: string;
    index: number;
    attempt: number;
  }): void;
  /** After every write of the commit is issued, before the transaction is awaited. */
  afterWrites?(info: { snapshotId: string; attempt: number; abort: () => void }): void;
}

const COMMIT_STORES = ['runs', 'snapshots', 'tensors', 'datasets'] as const;

/** A run written with its first snapshot, and the text it trains on (checked by the caller). */
export interface NewRun {
  readonly run: RunRecord;
  readonly dataset: DatasetRecord;
}

/**
 * Writes the tensors, the manifest, the run's pointer and the retention pruning in one strict
 * transaction. Must leave nothing behind unless the whole transaction commits, and must never
 * prune the snapshot being written or the run's previous latest (its last good one).
 */
export async function writeSnapshot(
  db: TrainerDatabase,
  payload: SnapshotPayload<TensorBytes>,
  keepLast: number,
  attempt: number,
  faults: CommitFaults = {},
  newRun: NewRun | null = null,
): Promise<string[]> {
  const { manifest, data } = payload;
  const tx = db.transaction(COMMIT_STORES, 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const runs = tx.objectStore('runs');
    const snapshots = tx.objectStore('snapshots');
    const tensors = tx.objectStore('tensors');
    const [stored, clash, existing] = await Promise.all([
      runs.get(manifest.runId),
      snapshots.getKey(manifest.id),
      snapshots.index('by-run').getAll(manifest.runId),
    ]);
    // A new run is written with its first snapshot, so no crash can leave a run without one.
    if (newRun !== null && stored !== undefined) {
      throw new SnapshotError(`Run ${newRun.run.id} already exists; a run is never overwritten.`);
    }
    const run = newRun?.run ?? stored;
    if (run === undefined) throw new RunNotFoundError(manifest.runId);
    if (clash !== undefined) {
      throw new SnapshotError(
        `A snapshot with id ${manifest.id} already exists; a snapshot is never overwritten.`,
      );
    }
    const protect = new Set([manifest.id]);
    if (run.latestSnapshotId !== null) protect.add(run.latestSnapshotId);
    const pruned = selectPrunable([...existing, manifest], { keepLast, keepBest: true, protect });

    const writes = new Writes();
    manifest.tensors.forEach((record, index) => {
      faults.beforeTensorPut?.({ snapshotId: manifest.id, name: record.name, index, attempt });
      const bytes = data[index]!;
      const blob = bytes instanceof Blob ? bytes : new Blob([bytes]);
      writes.add(tensors.put({ snapshotId: manifest.id, name: record.name, data: blob }));
    });
    writes.add(snapshots.put(manifest));
    writes.add(runs.put({ ...run, latestSnapshotId: manifest.id }));
    // A new run's text goes in with it: the run is never stored without what it trains on.
    if (newRun !== null) writes.add(tx.objectStore('datasets').put(newRun.dataset));
    for (const id of pruned) {
      writes.add(snapshots.delete(id));
      writes.add(tensors.delete(tensorRowsOf(id)));
    }
    faults.afterWrites?.({ snapshotId: manifest.id, attempt, abort: () => tx.abort() });
    await writes.all();
    return pruned;
  });
}

/**
 * Frees space for a retry after a quota failure: keeps only the newest snapshot, the run's
 * latest pointer and pinned ones. Must never delete the run's last good snapshot.
 */
export async function pruneForSpace(db: TrainerDatabase, runId: string): Promise<string[]> {
  const tx = db.transaction(COMMIT_STORES, 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const [run, existing] = await Promise.all([
      tx.objectStore('runs').get(runId),
      tx.objectStore('snapshots').index('by-run').getAll(runId),
    ]);
    const protect = new Set<string>();
    if (run?.latestSnapshotId) protect.add(run.latestSnapshotId);
    const rule: PruneRule = { keepLast: 1, keepBest: false, protect };
    const pruned = selectPrunable(existing, rule);
    const writes = new Writes();
    for (const id of pruned) {
      writes.add(tx.objectStore('snapshots').delete(id));
      writes.add(tx.objectStore('tensors').delete(tensorRowsOf(id)));
    }
    await writes.all();
    return pruned;
  });
}
