import {
  JobNotFoundError,
  SnapshotNotFoundError,
  type SerializedError,
} from '../../src/shared/errors';
import type { JobItem, JobRecord, JobState } from '../../src/shared/jobs/job-types';
import { inTransaction, Writes } from './in-transaction';
import { jobResultsOf, type JobResultRow, type TrainerDatabase } from './store-schema';

/**
 * A new job: its record and its input lines in one strict transaction, only while its snapshot
 * exists (a snapshot deleted meanwhile is named, and nothing is written).
 */
export async function insertJob(
  db: TrainerDatabase,
  job: JobRecord,
  lines: readonly string[] | null,
): Promise<void> {
  const tx = db.transaction(['jobs', 'jobInputs', 'snapshots'], 'readwrite', {
    durability: 'strict',
  });
  await inTransaction(tx, async () => {
    const snapshot = await tx.objectStore('snapshots').getKey(job.snapshotId);
    if (snapshot === undefined) throw new SnapshotNotFoundError(job.snapshotId);
    const writes = new Writes();
    writes.add(tx.objectStore('jobs').add(job));
    if (lines !== null) writes.add(tx.objectStore('jobInputs').add({ jobId: job.id, lines }));
    await writes.all();
  });
}

/**
 * Sets a job's state (pause, resume, cancel, fail). Must leave a finished job finished, and
 * returns the record as stored.
 */
export async function setJobState(
  db: TrainerDatabase,
  jobId: string,
  state: JobState,
  error: SerializedError | null,
  now: number,
): Promise<JobRecord> {
  const tx = db.transaction('jobs', 'readwrite', { durability: 'strict' });
  return inTransaction(tx, async () => {
    const job = await tx.store.get(jobId);
    if (job === undefined) throw new JobNotFoundError(jobId);
    if (job.state === 'done' || job.state === 'cancelled') return job;
    const next: JobRecord = { ...job, state, error, updatedAt: now };
    await tx.store.put(next);
    return next;
  });
}

/** A job, its input and every result row, in one transaction. */
export async function removeJob(db: TrainerDatabase, jobId: string): Promise<void> {
  const tx = db.transaction(['jobs', 'jobInputs', 'jobResults'], 'readwrite', {
    durability: 'strict',
  });
  await inTransaction(tx, async () => {
    if ((await tx.objectStore('jobs').getKey(jobId)) === undefined) {
      throw new JobNotFoundError(jobId);
    }
    const writes = new Writes();
    writes.add(tx.objectStore('jobs').delete(jobId));
    writes.add(tx.objectStore('jobInputs').delete(jobId));
    writes.add(tx.objectStore('jobResults').delete(jobResultsOf(jobId)));
    await writes.all();
  });
}

/**
 * Up to `limit` committed items from index `from` on, in index order, read batch record by batch
 * record (see JobResultRow): the one holding `from`, then those after it.
 */
export async function readResults(
  db: TrainerDatabase,
  jobId: string,
  from: number,
  limit: number,
): Promise<JobItem[]> {
  const items: JobItem[] = [];
  const take = (row: JobResultRow) => {
    for (const item of row.items) {
      if (items.length === limit) return;
      if (item.index >= from) items.push(item);
    }
  };
  const store = db.transaction('jobResults').store;
  const holding = await store.openCursor(IDBKeyRange.bound([jobId, 0], [jobId, from]), 'prev');
  if (holding !== null) take(holding.value);
  let later = await store.openCursor(IDBKeyRange.bound([jobId, from], [jobId, Infinity], true));
  while (later !== null && items.length < limit) {
    take(later.value);
    later = await later.continue();
  }
  return items;
}
