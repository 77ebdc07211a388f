import type { JobItem, JobRecord, JobState } from '../../src/shared/jobs/job-types';
import type { SerializedError } from '../../src/shared/errors';
import type { SnapshotStore } from '../store';
import { commitBatch, type BatchOutcome, type JobCommitFaults } from './job-commit';
import { insertJob, readResults, removeJob, setJobState } from './job-records';

/**
 * The jobs' side of the store: job records, inputs and results, on the snapshot store's own
 * connection (one connection per worker, one reconnect policy).
 */
export class JobStore {
  constructor(
    private readonly store: SnapshotStore,
    private readonly faults: JobCommitFaults = {},
    private readonly now: () => number = Date.now,
  ) {}

  insert(job: JobRecord, lines: readonly string[] | null): Promise<void> {
    return this.store.withDb((db) => insertJob(db, job, lines));
  }

  get(jobId: string): Promise<JobRecord | undefined> {
    return this.store.withDb((db) => db.get('jobs', jobId));
  }

  /** Newest first. */
  async list(): Promise<JobRecord[]> {
    const jobs = await this.store.withDb((db) => db.getAll('jobs'));
    return jobs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  async input(jobId: string): Promise<readonly string[] | null> {
    const row = await this.store.withDb((db) => db.get('jobInputs', jobId));
    return row?.lines ?? null;
  }

  /**
   * Commits a batch (see commitBatch). The store retries once on a connection found closed; a
   * first try that did commit shows up as a cursor already at the batch's end, which is this
   * batch committed, not a stale one. `batchSize`: fixed with this commit if none is yet.
   */
  async commit(
    jobId: string,
    from: number,
    items: readonly JobItem[],
    batchSize: number | null = null,
  ): Promise<BatchOutcome> {
    const outcome = await this.store.withDb((db) =>
      commitBatch(db, jobId, from, items, this.now(), this.faults, batchSize),
    );
    if (outcome.kind === 'stale' && outcome.job.cursor === from + items.length) {
      return { kind: 'committed', job: outcome.job };
    }
    return outcome;
  }

  setState(jobId: string, state: JobState, error: SerializedError | null): Promise<JobRecord> {
    return this.store.withDb((db) => setJobState(db, jobId, state, error, this.now()));
  }

  remove(jobId: string): Promise<void> {
    return this.store.withDb((db) => removeJob(db, jobId));
  }

  results(jobId: string, from: number, limit: number): Promise<JobItem[]> {
    return this.store.withDb((db) => readResults(db, jobId, from, limit));
  }
}
