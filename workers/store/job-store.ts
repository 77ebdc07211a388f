import type { JobItem, JobRecord, JobState } from '../../src/shared/jobs/job-types';
import type { SerializedError } from '../../src/shared/errors';
import { newestFirst } from '../../src/shared/newest-first';
import type { StorageGateway } from './gateway';
import { commitBatch, type BatchOutcome } from './job-commit';
import { insertJob, readResults, removeJob, setJobState } from './job-records';

/**
 * The repository of jobs: job records, inputs and results, on the storage gateway the snapshot
 * store uses (one connection per worker, one retry loop). Every operation runs under the read
 * policy: once more on a fresh connection, so each must be safe to run twice.
 */
export class JobStore {
  constructor(
    private readonly gateway: StorageGateway,
    private readonly now: () => number = Date.now,
  ) {}

  insert(job: JobRecord, lines: readonly string[] | null): Promise<void> {
    return this.gateway.use((db) => insertJob(db, job, lines));
  }

  get(jobId: string): Promise<JobRecord | undefined> {
    return this.gateway.use((db) => db.get('jobs', jobId));
  }

  /** Newest first (newestFirst: by creation time, then id). */
  async list(): Promise<JobRecord[]> {
    const jobs = await this.gateway.use((db) => db.getAll('jobs'));
    return jobs.sort(newestFirst);
  }

  async input(jobId: string): Promise<readonly string[] | null> {
    const row = await this.gateway.use((db) => db.get('jobInputs', jobId));
    return row?.lines ?? null;
  }

  /**
   * Commits a batch (see commitBatch). The gateway retries once on a connection found closed; a
   * first try that did commit shows up as a cursor already at the batch's end, which is this
   * batch committed, not a stale one. `batchSize`: fixed with this commit if none is yet.
   */
  async commit(
    jobId: string,
    from: number,
    items: readonly JobItem[],
    batchSize: number | null = null,
  ): Promise<BatchOutcome> {
    const outcome = await this.gateway.use((db) =>
      commitBatch(db, jobId, from, items, this.now(), this.gateway.faults, batchSize),
    );
    if (outcome.kind === 'stale' && outcome.job.cursor === from + items.length) {
      return { kind: 'committed', job: outcome.job };
    }
    return outcome;
  }

  setState(jobId: string, state: JobState, error: SerializedError | null): Promise<JobRecord> {
    return this.gateway.use((db) => setJobState(db, jobId, state, error, this.now()));
  }

  remove(jobId: string): Promise<void> {
    return this.gateway.use((db) => removeJob(db, jobId));
  }

  results(jobId: string, from: number, limit: number): Promise<JobItem[]> {
    return this.gateway.use((db) => readResults(db, jobId, from, limit));
  }
}
