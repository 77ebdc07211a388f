import { RunNotFoundError, SnapshotError } from '../../src/shared/errors';
import { unwrap } from 'idb';
import type {
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
  TensorBytes,
} from '../../src/shared/snapshot';
import { blobsRefused } from './blob-fallback';
import type { FaultHooks } from './fault-hooks';
import { inTransaction, Writes } from './in-transaction';
import { guardAnchor, selectPrunable, type PruneRule } from './retention';
import { datasetRecord } from './dataset-bytes';
import { tensorRowsOf, type DatasetText, type TrainerDatabase } from './store-schema';

/**
 * The run a snapshot belongs to, written in the snapshot's own transaction where needed: a new
 * run (with its training text) together with its first snapshot, or, after the site's storage
 * was cleared under a training tab, the run again from memory.
 */
export interface RunWrite {
  readonly run: RunRecord;
  /** The run's training text; written in the same transaction when the store lacks it. */
  readonly dataset: DatasetText | null;
  /** A brand-new run, which must not exist yet; else an existing one, recreated if lost. */
  readonly isNew: boolean;
}

/**
 * Must refuse, before anything is written, a run write that does not belong with `manifest`: a
 * new run must be the snapshot's, have no snapshot yet and come with its training text, and a
 * text given must be the snapshot's dataset. (The text's hash is checked by the store.)
 */
export function checkRunWrite(write: RunWrite, manifest: SnapshotManifest): void {
  if (write.run.id !== manifest.runId || (write.isNew && write.run.latestSnapshotId !== null)) {
    throw new SnapshotError("A new run must be the snapshot's run and have no snapshot yet.");
  }
  // A run on token shards (its dataset names a corpus) has no text in the store.
  if (write.isNew && write.dataset === null && manifest.dataset.corpus === undefined) {
    throw new SnapshotError('A new run must be written with its training text.');
  }
  if (write.dataset !== null && write.dataset.id !== manifest.dataset.id) {
    throw new SnapshotError("The training text given is not the snapshot's dataset.");
  }
}

export interface WriteOutcome {
  readonly pruned: string[];
  /** The run record as committed, pointing at the new snapshot. */
  readonly run: RunRecord;
  /** The run record was missing (storage cleared) and was written again from `RunWrite`. */
  readonly recreatedRun: boolean;
}

// `jobs` is read, never written: a snapshot a job uses is never pruned while the job exists.
const COMMIT_STORES = ['runs', 'snapshots', 'tensors', 'jobs'] as const;
const COMMIT_STORES_WITH_DATASET = ['runs', 'snapshots', 'tensors', 'jobs', 'datasets'] as const;

/**
 * Writes the tensors, the manifest, the run's pointer and the retention pruning in one strict
 * transaction, with the run record and its dataset text when `write` asks for them. Must leave
 * nothing behind unless the whole transaction commits, and must never prune the snapshot being
 * written or the run's previous latest (its last good one). A missing run is recreated only
 * when `mayRecreate` says the database was emptied under us; otherwise it was deleted on
 * purpose and the snapshot is refused.
 */
export async function writeSnapshot(
  db: TrainerDatabase,
  payload: SnapshotPayload<TensorBytes>,
  keepLast: number,
  attempt: number,
  faults: FaultHooks = {},
  write: RunWrite | null = null,
  mayRecreate = false,
): Promise<WriteOutcome> {
  const { manifest, data } = payload;
  const connection = unwrap(db);
  const point = { snapshotId: manifest.id, attempt, connection };
  faults.beforeTransaction?.(point);
  const stores = write?.dataset ? COMMIT_STORES_WITH_DATASET : COMMIT_STORES;
  const tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
  const at = { ...point, abort: () => tx.abort() };
  return inTransaction(tx, async () => {
    const runs = tx.objectStore('runs');
    const snapshots = tx.objectStore('snapshots');
    const tensors = tx.objectStore('tensors');
    const [stored, clash, existing, jobs] = await Promise.all([
      runs.get(manifest.runId),
      snapshots.getKey(manifest.id),
      snapshots.index('by-run').getAll(manifest.runId),
      tx.objectStore('jobs').index('by-run').getAll(manifest.runId),
    ]);
    // A new run is written with its first snapshot, so no crash can leave a run without one.
    if (write?.isNew && stored !== undefined) {
      throw new SnapshotError(`Run ${write.run.id} already exists; a run is never overwritten.`);
    }
    const recreatedRun = write !== null && !write.isNew && stored === undefined && mayRecreate;
    const run = stored ?? (write?.isNew || recreatedRun ? write!.run : undefined);
    if (run === undefined) throw new RunNotFoundError(manifest.runId);
    if (clash !== undefined) {
      throw new SnapshotError(
        `A snapshot with id ${manifest.id} already exists; a snapshot is never overwritten.`,
      );
    }
    const protect = new Set([manifest.id, ...jobs.map((job) => job.snapshotId)]);
    if (stored?.latestSnapshotId) protect.add(stored.latestSnapshotId);
    const pruned = selectPrunable([...existing, manifest], {
      keepLast,
      keepBest: true,
      protect,
      guard: guardAnchor(manifest),
    });

    const writes = new Writes();
    if (write?.dataset) {
      // The training text goes with the run's snapshot: a run never exists without its text.
      const datasets = tx.objectStore('datasets');
      const dataset = write.dataset;
      writes.add(
        datasets.getKey(dataset.id).then((key) => {
          if (key === undefined) return datasets.put(datasetRecord(dataset));
          return undefined;
        }),
      );
    }
    manifest.tensors.forEach((record, index) => {
      faults.beforeTensorPut?.({ ...at, name: record.name, index });
      const bytes = data[index]!;
      const row = bytes instanceof Blob || blobsRefused() ? bytes : new Blob([bytes]);
      writes.add(tensors.put({ snapshotId: manifest.id, name: record.name, data: row }));
    });
    faults.beforeManifestPut?.(at);
    writes.add(snapshots.put(manifest));
    faults.beforePointerPut?.(at);
    const committedRun = { ...run, latestSnapshotId: manifest.id };
    writes.add(runs.put(committedRun));
    for (const id of pruned) {
      writes.add(snapshots.delete(id));
      writes.add(tensors.delete(tensorRowsOf(id)));
    }
    faults.afterWrites?.(at);
    await writes.all();
    return { pruned, run: committedRun, recreatedRun };
  });
}

/**
 * Frees space for a retry after a quota failure: keeps only the newest snapshot, the run's
 * latest pointer, pinned ones and those a job uses. Must never delete the run's last good
 * snapshot.
 */
export async function pruneForSpace(db: TrainerDatabase, runId: string): Promise<string[]> {
  const tx = db.transaction(COMMIT_STORES, 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const [run, existing, jobs] = await Promise.all([
      tx.objectStore('runs').get(runId),
      tx.objectStore('snapshots').index('by-run').getAll(runId),
      tx.objectStore('jobs').index('by-run').getAll(runId),
    ]);
    const protect = new Set<string>(jobs.map((job) => job.snapshotId));
    if (run?.latestSnapshotId) protect.add(run.latestSnapshotId);
    const latest = existing.find((m) => m.id === run?.latestSnapshotId);
    // Even short of space, the guard's rewind target stays: losing it would lose the run.
    const guard = latest === undefined ? null : guardAnchor(latest);
    const rule: PruneRule = { keepLast: 1, keepBest: false, protect, guard };
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
