import { unwrap } from 'idb';
import { JobNotFoundError } from '../../src/shared/errors';
import type { JobItem, JobRecord } from '../../src/shared/jobs/job-types';
import type { BatchPoint, FaultHooks } from './fault-hooks';
import { inTransaction, Writes } from './in-transaction';
import type { TrainerDatabase } from './store-schema';

/** How a batch commit ended. */
export type BatchOutcome =
  /** The batch and the new cursor are committed. */
  | { readonly kind: 'committed'; readonly job: JobRecord }
  /** The job is no longer running (paused, cancelled, failed): nothing was written. */
  | { readonly kind: 'stopped'; readonly job: JobRecord }
  /**
   * The cursor is elsewhere: another runner committed this batch (a retry after a commit whose
   * success went unseen) or moved past it. Nothing was written.
   */
  | { readonly kind: 'stale'; readonly job: JobRecord };

/**
 * Writes items [from, from + items.length) and the job's cursor in ONE strict transaction, and
 * only if the stored cursor is exactly `from` and the job is running. So a kill loses at most
 * this batch, and no item is ever written twice or skipped: a second runner, or a retry of a
 * batch that did commit, finds the cursor moved and writes nothing. `batchSize` fixes the job's
 * batch size with this commit where none is fixed yet (the first batch of a timed job).
 */
export async function commitBatch(
  db: TrainerDatabase,
  jobId: string,
  from: number,
  items: readonly JobItem[],
  now: number,
  faults: FaultHooks = {},
  batchSize: number | null = null,
): Promise<BatchOutcome> {
  const connection = unwrap(db);
  faults.beforeBatchTransaction?.({ jobId, from, connection });
  const tx = db.transaction(['jobs', 'jobResults'], 'readwrite', { durability: 'strict' });
  const point: BatchPoint = { jobId, from, connection, abort: () => tx.abort() };
  return inTransaction(tx, async () => {
    const jobs = tx.objectStore('jobs');
    const job = await jobs.get(jobId);
    if (job === undefined) throw new JobNotFoundError(jobId);
    if (job.state !== 'running') return { kind: 'stopped', job };
    if (job.cursor !== from) return { kind: 'stale', job };
    const total = job.manifest.itemCount;
    const writes = new Writes();
    const results = tx.objectStore('jobResults');
    // Added item by item in index order: the same sums whatever the batches were.
    let nllSum = job.nllSum;
    let tokenSum = job.tokenSum;
    // A job made before items counted their bytes has no byteSum, and never gets one.
    let byteSum = job.byteSum;
    items.forEach((item, offset) => {
      nllSum += item.nll ?? 0;
      tokenSum += item.nll === undefined ? 0 : (item.tokens ?? 0);
      if (byteSum !== undefined && item.nll !== undefined) byteSum += item.bytes ?? 0;
      if (item.index !== from + offset) throw new Error(`item ${item.index} out of order`);
    });
    faults.beforeResultsPut?.(point);
    // The batch as one record (see JobResultRow); an empty batch writes none.
    if (items.length > 0) writes.add(results.put({ jobId, index: from, items }));
    const cursor = from + items.length;
    if (cursor > total) throw new Error(`batch ends at ${cursor}, past the job's ${total} items`);
    faults.beforeCursorPut?.(point);
    const next: JobRecord = {
      ...job,
      cursor,
      batchSize: job.batchSize ?? batchSize,
      nllSum,
      tokenSum,
      ...(byteSum === undefined ? {} : { byteSum }),
      state: cursor === total ? 'done' : 'running',
      updatedAt: now,
    };
    writes.add(jobs.put(next));
    faults.afterBatchWrites?.(point);
    await writes.all();
    return { kind: 'committed', job: next };
  });
}
