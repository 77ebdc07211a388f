import {
  RunNotFoundError,
  SnapshotInUseError,
  SnapshotNotFoundError,
} from '../../src/shared/errors';
import { inTransaction, Writes } from './in-transaction';
import { newestFirst } from '../../src/shared/newest-first';
import { jobResultsOf, tensorRowsOf, type TrainerDatabase } from './store-schema';

/**
 * Deletes a run, all its snapshots and their tensor rows, its jobs with their inputs and
 * results, and its dataset when no other run uses it, in one transaction: a run is never left
 * half deleted. Resolves with the id of the dataset deleted with it, or null.
 */
export async function removeRun(db: TrainerDatabase, runId: string): Promise<string | null> {
  const tx = db.transaction(
    ['runs', 'snapshots', 'tensors', 'datasets', 'jobs', 'jobInputs', 'jobResults'],
    'readwrite',
  );
  return inTransaction(tx, async () => {
    const runs = tx.objectStore('runs');
    const run = await runs.get(runId);
    if (run === undefined) throw new RunNotFoundError(runId);
    const ids = await tx.objectStore('snapshots').index('by-run').getAllKeys(runId);
    const writes = new Writes();
    for (const id of ids) {
      writes.add(tx.objectStore('snapshots').delete(id));
      writes.add(tx.objectStore('tensors').delete(tensorRowsOf(id)));
    }
    for (const jobId of await tx.objectStore('jobs').index('by-run').getAllKeys(runId)) {
      writes.add(tx.objectStore('jobs').delete(jobId));
      writes.add(tx.objectStore('jobInputs').delete(jobId));
      writes.add(tx.objectStore('jobResults').delete(jobResultsOf(jobId)));
    }
    writes.add(runs.delete(runId));
    await writes.all();
    // Requests run in order, so the count no longer sees the deleted run.
    if ((await runs.index('by-dataset').count(run.dataset.id)) > 0) return null;
    await tx.objectStore('datasets').delete(run.dataset.id);
    return run.dataset.id;
  });
}

/**
 * Deletes one snapshot and its tensor rows. If it was the run's latest, the pointer moves to
 * the newest remaining snapshot (or null) in the same transaction, so it never dangles. Must
 * refuse a snapshot a job uses.
 */
export async function removeSnapshot(db: TrainerDatabase, snapshotId: string): Promise<void> {
  const tx = db.transaction(['runs', 'snapshots', 'tensors', 'jobs'], 'readwrite', {
    durability: 'strict',
  });
  await inTransaction(tx, async () => {
    const snapshots = tx.objectStore('snapshots');
    const manifest = await snapshots.get(snapshotId);
    if (manifest === undefined) throw new SnapshotNotFoundError(snapshotId);
    const users = await tx.objectStore('jobs').index('by-snapshot').count(snapshotId);
    if (users > 0) throw new SnapshotInUseError(manifest.step, users);
    const writes = new Writes();
    writes.add(snapshots.delete(snapshotId));
    writes.add(tx.objectStore('tensors').delete(tensorRowsOf(snapshotId)));
    await writes.all();
    const run = await tx.objectStore('runs').get(manifest.runId);
    if (run !== undefined && run.latestSnapshotId === snapshotId) {
      const rest = (await snapshots.index('by-run').getAll(manifest.runId)).sort(newestFirst);
      await tx.objectStore('runs').put({ ...run, latestSnapshotId: rest[0]?.id ?? null });
    }
  });
}

/** Pins or unpins a snapshot (retention never deletes a pinned one). */
export async function setPinned(db: TrainerDatabase, id: string, pinned: boolean): Promise<void> {
  const tx = db.transaction('snapshots', 'readwrite');
  await inTransaction(tx, async () => {
    const manifest = await tx.store.get(id);
    if (manifest === undefined) throw new SnapshotNotFoundError(id);
    await tx.store.put({ ...manifest, pinned });
  });
}
