import type { CheckpointFile } from '../../src/shared/checkpoint-api';
import type {
  JobRecord,
  JobRequest,
  JobState,
  JobSummary,
  ResultsFormat,
} from '../../src/shared/jobs/job-types';
import { JobNotFoundError } from '../../src/shared/errors';
import { JobStore, type SnapshotStore } from '../store';
import { createJob } from './job-create';
import { JobRunner, type RunnerOptions } from './job-runner';
import { resultsFile, resultsFileName } from './results-file';

/**
 * The worker's jobs: create (checked, then written in one transaction), run (the page calls
 * this only while it holds the job's Web Lock), pause / resume / cancel / delete, list and
 * download. A job never touches the training run's state: it reads its own snapshot.
 */
export class JobService {
  readonly jobs: JobStore;
  readonly runner: JobRunner;

  constructor(
    private readonly snapshots: SnapshotStore,
    options: RunnerOptions = {},
  ) {
    this.jobs = new JobStore(snapshots.gateway);
    this.runner = new JobRunner(snapshots, this.jobs, options);
  }

  async create(request: JobRequest): Promise<JobSummary> {
    return this.summary(await createJob(this.snapshots, this.jobs, request, Date.now()));
  }

  run(jobId: string): Promise<JobState> {
    return this.runner.run(jobId);
  }

  /** Pause, resume or cancel; a stopped job's runner ends at its next batch boundary. */
  async setState(jobId: string, state: 'running' | 'paused' | 'cancelled'): Promise<JobSummary> {
    const job = await this.jobs.setState(jobId, state, null);
    if (state !== 'running') this.runner.stop(jobId);
    return this.summary(job);
  }

  async remove(jobId: string): Promise<void> {
    this.runner.stop(jobId);
    await this.jobs.remove(jobId);
  }

  async list(): Promise<JobSummary[]> {
    return (await this.jobs.list()).map((job) => this.summary(job));
  }

  async results(
    jobId: string,
    format: ResultsFormat,
    signal: AbortSignal,
  ): Promise<CheckpointFile> {
    const job = await this.jobs.get(jobId);
    if (job === undefined) throw new JobNotFoundError(jobId);
    const blob = await resultsFile(this.jobs, job, format, signal);
    return { fileName: resultsFileName(job, format), blob };
  }

  private summary(job: JobRecord): JobSummary {
    const warning = this.runner.warning(job.id);
    const { manifest } = job;
    return {
      id: job.id,
      runId: job.runId,
      kind: manifest.kind,
      inputName: manifest.inputName,
      snapshotStep: manifest.snapshotStep,
      // A job waiting for space shows as paused, with the warning saying why.
      state: warning !== null && job.state === 'running' ? 'paused' : job.state,
      done: job.cursor,
      total: manifest.itemCount,
      error: job.error,
      warning,
      createdAt: job.createdAt,
      meanNll: job.tokenSum > 0 ? job.nllSum / job.tokenSum : null,
      // Jobs scored before items counted their bytes have none: no figure rather than a wrong one.
      bitsPerByte: (job.byteSum ?? 0) > 0 ? job.nllSum / (job.byteSum! * Math.LN2) : null,
      tokens: manifest.tokens ?? 'char',
    };
  }
}
