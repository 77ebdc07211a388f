import type { EventSink, PauseReport, ResumeReport, UserDataset } from '../../src/shared/api';
import type { CorpusFile } from '../../src/shared/corpus-progress';
import type { SampleRequest, SampleSink, SampleStarted } from '../../src/shared/sampling';
import {
  validateConfig,
  withLegacyKeys,
  type BackendName,
  type RunConfig,
} from '../../src/shared/config';
import {
  BudgetSpentError,
  CancelledError,
  NoActiveRunError,
  RunNotFoundError,
} from '../../src/shared/errors';
import {
  NO_GUARD_STATE,
  summarize,
  type RunRecord,
  type SnapshotSummary,
} from '../../src/shared/snapshot';
import type { SnapshotStore } from '../store';
import { newRunDataset, storedRunDataset } from './run-datasets';
import { checkBatchFits, newRunRecord, type LoadedDataset } from './run-setup';
import type { CorpusDatasets } from './corpus-port';
import { markPhase } from './phase-marks';
import type { StepProfile } from './profile/step-profile-requests';
import { selectBackend } from './backend';
import { kernelChangeNote } from './backend-choice';
import { checkFitsBackend } from './backend-memory';
import { kernelStack } from './ops/kernel-set';
import { PromptSampler } from './prompt-sampler';
import { TrainingSession } from './session';
import type { RunSnapshots } from './snapshot-port';
import { restorePayload } from './state-capture';
import { TrainingLoop } from './training-loop';

interface ActiveRun {
  readonly run: RunRecord;
  readonly dataset: LoadedDataset;
  readonly session: TrainingSession;
}

/**
 * The run lifecycle in the worker: which run is active, starting and stopping its loop, making
 * a new run and resuming a stored one. Snapshots belong to the Snapshotter, the loop to
 * TrainingLoop, stored runs and files to RunLibrary.
 */
export class TrainerController {
  private active: ActiveRun | null = null;
  private loop: TrainingLoop | null = null;
  private loopId = 0;
  private readonly sampler = new PromptSampler();
  /** The backend in use: init's choice, or a resumed run's own. */
  private backend: BackendName;

  constructor(
    private readonly store: SnapshotStore,
    private readonly snapshotter: RunSnapshots,
    private readonly emit: EventSink,
    /** ?backend= as the page asked (null: choose), and what init chose. */
    private readonly backends: { readonly forced: BackendName | null; readonly init: BackendName },
    /** Datasets on token shards (corpus=shards). */
    private readonly corpora: CorpusDatasets,
  ) {
    this.backend = backends.init;
  }

  get activeRun(): RunRecord | null {
    return this.active?.run ?? null;
  }

  /** Checks the config and the text before touching the current run: a refusal changes nothing. */
  async newRun(
    config: RunConfig,
    userData: UserDataset | CorpusFile | null,
    signal?: AbortSignal,
  ): Promise<RunRecord> {
    const clean = validateConfig(config);
    const dataset = await newRunDataset(clean, userData, this.corpora, signal);
    try {
      checkBatchFits(clean, dataset);
      // A new run trains on init's choice (see below): refused here if it cannot fit there.
      checkFitsBackend(clean, dataset.data.tokenizer.vocabSize, this.backends.init);
    } catch (err) {
      dataset.close?.();
      throw err;
    }
    await this.drop();
    // A resume may have switched to a run's old backend; a new run gets init's choice.
    if (this.backend !== this.backends.init) {
      this.backend = (await selectBackend(this.backends.forced)).backend;
    }
    const run = newRunRecord(clean, dataset);
    this.activate({ run, dataset, session: TrainingSession.create(clean, dataset.data) }, null);
    // The run, its text and its step-0 snapshot are stored in one transaction: it is
    // resumable from the moment it exists, and a crash cannot leave a run with nothing to resume.
    try {
      const first = await this.snapshotter.first();
      return { ...run, latestSnapshotId: first.id };
    } catch (err) {
      await this.drop();
      throw err;
    }
  }

  /** Makes a stored run active at its newest good snapshot (or the given one), paused. */
  async resumeRun(
    runId: string,
    snapshotId?: string,
    corpusFile: CorpusFile | null = null,
    signal?: AbortSignal,
  ): Promise<ResumeReport> {
    markPhase('resume');
    await this.drop();
    // The snapshot is read and verified while the run and its text are read and checked: each
    // waits on the database, and a restart is made of such waits. Their errors come in the
    // order they did one after the other: the run, its text, then the snapshot.
    const loading = this.store.loadLatestGood(runId, snapshotId);
    loading.catch(() => undefined); // observed below, unless the run or its text fails first
    const stored = await this.store.getRun(runId);
    if (stored === undefined) throw new RunNotFoundError(runId);
    // A run stored before the schedule, the guard or gpt existed trains on as it did.
    const run = { ...stored, config: withLegacyKeys(stored.config) };
    const dataset = await storedRunDataset(this.store, this.corpora, run, corpusFile, signal);
    markPhase('run-read');
    try {
      return await this.activateStored(run, dataset, loading);
    } catch (err) {
      dataset.close?.(); // a run on shards lets its files go
      throw err;
    }
  }

  /** resumeRun's second half: the verified snapshot restored on its backend, made active. */
  private async activateStored(
    run: RunRecord,
    dataset: LoadedDataset,
    loading: ReturnType<SnapshotStore['loadLatestGood']>,
  ): Promise<ResumeReport> {
    const { payload, skipped } = await loading;
    markPhase('snapshot-verified');
    const { manifest } = payload;
    // On the snapshot's backend when it is here (bitwise), else the best one, and say so.
    // A state computed outside the browser (the PyTorch bridge: torch-<device>) has none here.
    const previous = manifest.backend.startsWith('torch-')
      ? null
      : (manifest.backend as BackendName);
    const chosen = await selectBackend(this.backends.forced, previous);
    this.backend = chosen.backend;
    checkFitsBackend(run.config, dataset.data.tokenizer.vocabSize, this.backend);
    markPhase('resume-backend-ready');
    const note =
      chosen.backend === previous ? kernelChangeNote(manifest.tfjsVersion, kernelStack()) : null;
    const backend =
      note === null
        ? chosen
        : { ...chosen, fallbackReason: [chosen.fallbackReason, note].filter(Boolean).join('; ') };
    const session = await restorePayload(run.config, dataset.data, payload);
    markPhase('state-restored');
    const snapshot = summarize(manifest);
    this.activate({ run, dataset, session }, snapshot, manifest.valLoss);
    const guard = manifest.guard ?? NO_GUARD_STATE;
    const { bitsPerByteFactor, tokensSeen } = session;
    const { metrics } = manifest;
    return { run, snapshot, metrics, bitsPerByteFactor, tokensSeen, guard, skipped, backend };
  }

  private activate(
    active: ActiveRun,
    newest: SnapshotSummary | null,
    valLoss: number | null = null,
  ): void {
    this.active = active;
    this.snapshotter.attach(active, newest, valLoss);
  }

  /** Starts the loop (a no-op if it runs); resolves with the loop's id. */
  async start(): Promise<number> {
    if (this.active === null) throw new NoActiveRunError();
    if (this.loop !== null) return this.loopId;
    const { session } = this.active;
    const budget = session.config.steps;
    if (budget > 0 && session.step >= budget) throw new BudgetSpentError(budget);
    const id = ++this.loopId;
    markPhase('loop-start');
    const loop = new TrainingLoop(session, this.snapshotter, this.emit);
    this.loop = loop;
    void loop.done.then((end) => {
      if (this.loop === loop) this.loop = null;
      if (end !== null) this.emit({ type: 'loop-ended', loopId: id, end });
    });
    return id;
  }

  /** Stops at a step boundary and saves that state, so the paused page is what is stored. */
  async pause(): Promise<PauseReport> {
    await this.halt();
    if (this.active === null) throw new NoActiveRunError();
    const snapshot = await this.snapshotter.commitCurrent('pause');
    return { step: this.active.session.step, snapshot };
  }

  /** A sample with a prompt from the active run, beside its training (prompt-sampler.ts). */
  sample(request: SampleRequest, sink: SampleSink): SampleStarted {
    if (this.active === null) throw new NoActiveRunError();
    return this.sampler.start(this.active.session, request, sink);
  }

  /** The loop's next step profiled op by op, and on WebGPU a step's GPU work (`?debug=1`). */
  profileNextStep(): Promise<StepProfile> {
    if (this.active === null) throw new NoActiveRunError();
    if (this.loop === null) throw new CancelledError('Profiling a step (the run is not training)');
    return this.loop.profileNextStep();
  }

  /** The next step's loss and gradients become NaN, as a poisoned batch's would (debug). */
  poisonNextStep(): void {
    if (this.active === null) throw new NoActiveRunError();
    this.active.session.poisonNextStep();
  }

  /** Stops training and forgets the active run if it is `runId` (it is being deleted). */
  async forget(runId: string): Promise<void> {
    if (this.active?.run.id === runId) await this.drop();
  }

  private async halt(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    await loop?.stop();
  }

  /** Stops training and forgets the active run; its snapshot in flight still commits. */
  private async drop(): Promise<void> {
    this.sampler.stop();
    await this.halt();
    await this.snapshotter.detach();
    this.active?.session.dispose();
    this.active?.dataset.close?.();
    this.active = null;
  }
}
