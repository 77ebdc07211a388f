import type { JobInputSpec, JobSummary, ResultsFormat } from '../shared/jobs/job-types';
import { NoActiveRunError, serializeError } from '../shared/errors';
import type { ErrorAreaController } from '../ui/error-area';
import type { JobFormValues } from '../ui/job-form';
import type { JobsListController } from '../ui/jobs-list';
import { ACTION_STATES } from './action-states';
import { download } from './download';
import { JobLocks } from './job-locks';
import { JobRates } from './job-rates';
import type { Dispatch } from './page-machine';
import type { ShownRunView } from './shown-run';
import type { WorkerAccess } from './worker-supervisor';

/** How often the page reads the jobs' records (every tab: the running one and the watchers). */
const POLL_MS = 500;

/**
 * The page's side of the jobs. Jobs are independent of the page's run state machine: they run
 * in the same worker as training, interleaved batch by batch, and never change a run. Every tab
 * reads the stored jobs on a timer, shows them, and queues for the Web Lock of each running
 * job; the tab that holds a job's lock runs it in its worker, so a job goes on by itself after
 * a reload, a crash or a killed browser, and another tab takes it over when that tab closes.
 */
export class JobOwner {
  private jobs: readonly JobSummary[] = [];
  private readonly locks = new JobLocks();
  private readonly rates = new JobRates();
  private polling = false;

  constructor(
    /** Only a job's creation goes through the page's machine (it starts from the shown run). */
    private readonly dispatch: Dispatch,
    private readonly trainer: WorkerAccess,
    private readonly shown: ShownRunView,
    private readonly list: JobsListController,
    private readonly errors: ErrorAreaController,
  ) {}

  start(): void {
    setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  generate(values: JobFormValues, prompts: File | null = null): Promise<void> {
    return this.creation('Generate', async () => {
      const input: JobInputSpec =
        prompts === null
          ? { kind: 'samples', count: values.count }
          : { kind: 'prompts', name: prompts.name, text: await prompts.text() };
      await this.create('generate', input, values);
    });
  }

  scoreFile(file: File, values: JobFormValues): Promise<void> {
    return this.creation('Score a text file', async () => {
      const input: JobInputSpec = { kind: 'text', name: file.name, text: await file.text() };
      await this.create('score', input, values);
    });
  }

  scoreValidation(values: JobFormValues): Promise<void> {
    return this.creation('Score validation lines', () =>
      this.create('score', { kind: 'validation' }, values),
    );
  }

  /**
   * A new job starts from the shown run, so it waits its turn behind the page's own transitions
   * (a job asked for while the page boots or resumes runs once a run is shown) and is refused,
   * named, when no run is shown.
   */
  private async creation(label: string, create: () => Promise<void>): Promise<void> {
    await this.dispatch({
      label,
      origin: 'user',
      allowed: ACTION_STATES.createJob,
      exclusive: false,
      run: create,
    });
    await this.poll();
  }

  setState(jobId: string, state: 'running' | 'paused' | 'cancelled'): Promise<void> {
    return this.act(async () => {
      await this.trainer.worker.call((api) => api.setJobState(jobId, state));
    });
  }

  remove(jobId: string): Promise<void> {
    return this.act(() => this.trainer.worker.call((api) => api.deleteJob(jobId)));
  }

  downloadResults(jobId: string, format: ResultsFormat): Promise<void> {
    return this.act(async () => {
      const opId = crypto.randomUUID();
      const file = await this.trainer.worker.call((api) => api.jobResults(jobId, format, opId));
      download(file.fileName, file.blob);
    });
  }

  private async create(
    kind: 'generate' | 'score',
    input: JobInputSpec,
    values: JobFormValues,
  ): Promise<void> {
    const run = this.shown.run;
    if (run === null) throw new NoActiveRunError();
    await this.trainer.worker.call((api) =>
      api.createJob({
        runId: run.id,
        snapshotId: values.snapshotId,
        kind,
        input,
        params: kind === 'generate' ? values.params : null,
        batchSize: values.batchSize,
      }),
    );
  }

  /** A user's action: its error goes to the error area; the list is read again after it. */
  private async act(action: () => Promise<unknown>): Promise<void> {
    try {
      this.errors.clear();
      await action();
    } catch (err) {
      this.errors.show(serializeError(err));
    }
    await this.poll();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      this.jobs = await this.trainer.worker.call((api) => api.listJobs());
    } catch {
      return; // no worker yet, or it is restarting: the next poll tries again
    } finally {
      this.polling = false;
    }
    this.rates.observe(this.jobs, performance.now());
    for (const job of this.jobs) {
      if (job.state !== 'running' || this.locks.has(job.id)) continue;
      // Runs while this tab holds the lock; a worker that dies rejects, releasing it.
      this.locks.request(job.id, () => this.trainer.worker.call((api) => api.runJob(job.id)));
    }
    this.list.render(this.jobs, (jobId) => {
      const job = this.jobs.find((j) => j.id === jobId)!;
      return { ...this.rates.rate(job), here: this.locks.holds(jobId) };
    });
  }
}
