import { releaseProxy } from 'comlink';
import type {
  BackendReport,
  DebugFault,
  EventSink,
  PauseReport,
  ResumeReport,
  TrainerApi,
  UserDataset,
} from '../src/shared/api';
import type { CorpusFile } from '../src/shared/corpus-progress';
import type {
  CheckpointFile,
  ForkOptions,
  ForkSource,
  InspectedCheckpoint,
} from '../src/shared/checkpoint-api';
import {
  type BackendName,
  type RunConfig,
  type SnapshotIntervalInfo,
  type SnapshotPolicy,
} from '../src/shared/config';
import { BackendError, CancelledError, TokenizeCancelledError } from '../src/shared/errors';
import type { CorpusSummary, CorpusTokenFile } from '../src/shared/corpus-summary';
import type { RunRecord, SnapshotSummary, SnapshotTrigger } from '../src/shared/snapshot';
import type { JobRequest, JobState, JobSummary, ResultsFormat } from '../src/shared/jobs/job-types';
import type { SampleRequest, SampleSink, SampleStarted } from '../src/shared/sampling';
import { formatStepProfile } from './training/profile/profile-table';
import { destroyDevice } from './training/backend';
import { describeProductWork } from './training/kernels/cpu/cpu-threads';
import { startParts, type Parts } from './trainer-parts';

/**
 * The worker's TrainerApi: starts the backend and the store, then hands each call to the part
 * that owns it (the controller: the run lifecycle; the snapshotter: snapshots; the library:
 * stored runs and files), and relays cancellation of long calls.
 */
export class TrainerService implements TrainerApi {
  private partsHandle: Parts | null = null;
  /** Long calls in flight by the page's operation id, each with its abort. */
  private readonly operations = new Map<string, () => void>();

  private get parts(): Parts {
    if (this.partsHandle === null) throw new Error('init() must be called first');
    return this.partsHandle;
  }

  async init(backend: BackendName | null, emit: EventSink): Promise<BackendReport> {
    const { parts, report } = await startParts(backend, emit);
    this.partsHandle = parts;
    return report;
  }

  newRun(
    config: RunConfig,
    dataset: UserDataset | CorpusFile | null,
    opId?: string,
  ): Promise<RunRecord> {
    return this.cancellable(
      opId,
      () => new TokenizeCancelledError(),
      (signal) => this.parts.controller.newRun(config, dataset, signal),
    );
  }

  resumeRun(
    runId: string,
    snapshotId?: string,
    corpusFile?: CorpusFile,
    opId?: string,
  ): Promise<ResumeReport> {
    return this.cancellable(
      opId,
      () => new TokenizeCancelledError(),
      (signal) => this.parts.controller.resumeRun(runId, snapshotId, corpusFile ?? null, signal),
    );
  }

  start(): Promise<number> {
    return this.parts.controller.start();
  }

  pause(): Promise<PauseReport> {
    return this.parts.controller.pause();
  }

  async snapshotNow(trigger: SnapshotTrigger): Promise<SnapshotSummary | null> {
    if (this.parts.controller.activeRun === null) return null;
    return this.parts.snapshotter.request(trigger);
  }

  async sample(request: SampleRequest, onEvent: SampleSink): Promise<SampleStarted> {
    // The page's callback arrives as a comlink proxy (a port of its own): let it go at the end.
    const release = () =>
      (onEvent as Partial<Record<typeof releaseProxy, () => void>>)[releaseProxy]?.();
    try {
      return this.parts.controller.sample(request, (event) => {
        void onEvent(event);
        if (event.type === 'end') release();
      });
    } catch (err) {
      release();
      throw err;
    }
  }

  async setSnapshotPolicy(policy: SnapshotPolicy): Promise<SnapshotIntervalInfo> {
    return this.parts.snapshotter.setPolicy(policy);
  }

  listRuns(): Promise<RunRecord[]> {
    return this.parts.library.listRuns();
  }

  listSnapshots(runId: string): Promise<SnapshotSummary[]> {
    return this.parts.library.listSnapshots(runId);
  }

  async deleteRun(runId: string): Promise<CorpusSummary | null> {
    const run = (await this.parts.library.listRuns()).find((r) => r.id === runId);
    await this.parts.controller.forget(runId);
    await this.parts.library.deleteRun(runId);
    return run === undefined ? null : await this.parts.corpora.unusedAfterDeleting(run);
  }

  listCorpora(): Promise<CorpusSummary[]> {
    return this.parts.corpora.list();
  }

  deleteCorpus(address: string): Promise<void> {
    return this.parts.corpora.delete(address);
  }

  exportCorpusTokens(address: string): Promise<CorpusTokenFile> {
    return this.parts.corpora.exportTokens(address);
  }

  pinSnapshot(snapshotId: string, pinned: boolean): Promise<void> {
    return this.parts.library.pinSnapshot(snapshotId, pinned);
  }

  deleteSnapshot(snapshotId: string): Promise<void> {
    return this.parts.library.deleteSnapshot(snapshotId);
  }

  exportCheckpoint(
    runId: string,
    snapshotId: string | null,
    opId: string,
  ): Promise<CheckpointFile> {
    return this.cancellable(opId, 'Export', (signal) =>
      this.parts.library.exportCheckpoint(runId, snapshotId, signal),
    );
  }

  inspectCheckpoint(file: Blob, opId: string): Promise<InspectedCheckpoint> {
    return this.cancellable(opId, 'Checking the file', (signal) =>
      this.parts.library.inspectCheckpoint(file, signal),
    );
  }

  importCheckpoint(token: string, dataset: UserDataset | null, opId: string): Promise<RunRecord> {
    return this.cancellable(opId, 'Import', (signal) =>
      this.parts.library.importCheckpoint(token, dataset, signal),
    );
  }

  forkRun(
    source: ForkSource,
    options: ForkOptions,
    dataset: UserDataset | null,
  ): Promise<RunRecord> {
    return this.parts.library.forkRun(source, options, dataset);
  }

  async cancel(opId: string): Promise<void> {
    this.operations.get(opId)?.();
  }

  async retryCorpusWrite(): Promise<void> {
    this.parts.shardDatasets.retryNow();
  }

  createJob(request: JobRequest): Promise<JobSummary> {
    return this.parts.jobs.create(request);
  }

  runJob(jobId: string): Promise<JobState> {
    return this.parts.jobs.run(jobId);
  }

  setJobState(jobId: string, state: 'running' | 'paused' | 'cancelled'): Promise<JobSummary> {
    return this.parts.jobs.setState(jobId, state);
  }

  deleteJob(jobId: string): Promise<void> {
    return this.parts.jobs.remove(jobId);
  }

  listJobs(): Promise<JobSummary[]> {
    return this.parts.jobs.list();
  }

  jobResults(jobId: string, format: ResultsFormat, opId: string): Promise<CheckpointFile> {
    return this.cancellable(opId, 'Download', (signal) =>
      this.parts.jobs.results(jobId, format, signal),
    );
  }

  async profileStep(): Promise<string> {
    const step = await this.parts.controller.profileNextStep();
    const text = formatStepProfile(step);
    // On cpu, whether the pool helpers take part (they silently did not in the bench once).
    return step.profile.backend === 'cpu'
      ? `CPU products: ${describeProductWork()}\n${text}`
      : text;
  }

  async debugFault(kind: DebugFault): Promise<void> {
    if (kind === 'spike') {
      this.parts.controller.poisonNextStep();
    } else if (kind === 'crash') {
      setTimeout(() => {
        throw new Error('Simulated worker crash (debug)');
      });
    } else if (!destroyDevice()) {
      throw new BackendError('There is no WebGPU device to lose: the backend is not webgpu.');
    }
  }

  private async cancellable<T>(
    opId: string | undefined,
    action: string | (() => Error),
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (opId === undefined) return run(new AbortController().signal);
    const controller = new AbortController();
    // Aborted with a named error, which signal.throwIfAborted() then throws.
    const reason = () => (typeof action === 'string' ? new CancelledError(action) : action());
    this.operations.set(opId, () => controller.abort(reason()));
    try {
      return await run(controller.signal);
    } finally {
      this.operations.delete(opId);
    }
  }
}
