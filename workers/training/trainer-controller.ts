import type {
  BackendReport,
  EventSink,
  ResumeReport,
  TrainerApi,
  TrainerStatus,
  UserDataset,
} from '../../src/shared/api';
import {
  DEFAULT_SETTINGS,
  validateConfig,
  validatePolicy,
  type BackendName,
  type RunConfig,
  type SnapshotIntervalInfo,
  type SnapshotPolicy,
} from '../../src/shared/config';
import { SnapshotInterval } from '../snapshot/snapshot-interval';
import { BackendError, ConfigError, NoRunError, serializeError } from '../../src/shared/errors';
import type { RunRecord, SnapshotManifest, SnapshotTrigger } from '../../src/shared/snapshot';
import { SnapshotScheduler } from '../snapshot/snapshot-scheduler';
import {
  persistSnapshot,
  type Captured,
  type Committed,
  type SnapshotContext,
} from '../snapshot/persist-snapshot';
import { SnapshotStore } from '../store';
import { RunLibrary } from '../run-library';
import { destroyDevice, selectBackend, watchDeviceLoss } from './backend';
import {
  bundledDataset,
  checkBatchFits,
  loadDataset,
  reloadDataset,
  runName,
  type LoadedDataset,
} from './run-setup';
import { TrainingSession } from './session';
import { captureState, restorePayload } from './state-capture';
import { yieldToEventLoop } from './yield';

const VAL_EVERY = 25;
const PROGRESS_MS = 100;
const SAMPLE_MS = 3000;
const SAMPLE_COUNT = 5;

interface ActiveRun {
  readonly run: RunRecord;
  readonly dataset: LoadedDataset;
  readonly session: TrainingSession;
}

/** The worker's side of TrainerApi: owns the run, the training loop and its snapshots. */
export class TrainerController extends RunLibrary implements TrainerApi {
  private emit: EventSink = () => undefined;
  private backend: BackendName = 'cpu';
  /** ?backend= as the page asked at init; a resume chooses again with the run's backend. */
  private forcedBackend: BackendName | null = null;
  private initBackend: BackendName = 'cpu';
  private active: ActiveRun | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly scheduler = new SnapshotScheduler<Committed>();
  private readonly interval = new SnapshotInterval(DEFAULT_SETTINGS.snapshot);
  /** When the timer next asks for a snapshot (performance.now() ms); reset by every capture. */
  private snapshotDueAt = Infinity;
  private keepLast = 3;
  private lastValLoss: number | null = null;
  private lastProgress = { at: 0, step: 0 };
  private lastSampleAt = 0;
  private unreported: [number, number][] = [];

  async init(backend: BackendName | null, onEvent: EventSink): Promise<BackendReport> {
    this.emit = onEvent;
    this.forcedBackend = backend;
    const report = await selectBackend(backend);
    this.backend = this.initBackend = report.backend;
    watchDeviceLoss((message) => {
      this.running = false;
      this.emit({ type: 'device-lost', message });
    });
    this.storeHandle = await SnapshotStore.open();
    return report;
  }

  private requireActive(): ActiveRun {
    if (this.active === null) throw new NoRunError('There is no run yet: press New run.');
    return this.active;
  }

  async newRun(config: RunConfig, userData: UserDataset | null): Promise<RunRecord> {
    const clean = validateConfig(config);
    const dataset = userData
      ? await loadDataset(userData.name, userData.text)
      : await bundledDataset();
    checkBatchFits(clean, dataset);
    await this.drop();
    // Issue 12: a resume may have switched to a run's old backend; a new run gets init's choice.
    if (this.backend !== this.initBackend) {
      this.backend = (await selectBackend(this.forcedBackend)).backend;
    }
    const run: RunRecord = {
      id: crypto.randomUUID(),
      name: runName(clean, dataset.info.name, new Date()),
      config: clean,
      dataset: dataset.info,
      createdAt: Date.now(),
      latestSnapshotId: null,
    };
    await this.store.putDataset({
      id: dataset.info.id,
      name: dataset.info.name,
      text: dataset.text,
    });
    this.activate({ run, dataset, session: TrainingSession.create(clean, dataset.data) });
    // The run is stored together with its step-0 snapshot, in one transaction: it is resumable
    // from the moment it exists, and a crash cannot leave a run with nothing to resume.
    try {
      const { manifest } = await this.persist(this.capture('initial', run));
      return { ...run, latestSnapshotId: manifest.id };
    } catch (err) {
      this.active?.session.dispose();
      this.active = null;
      throw err;
    }
  }

  async resumeRun(runId: string, snapshotId?: string): Promise<ResumeReport> {
    await this.drop();
    this.setStatus('resuming');
    try {
      return await this.restore(runId, snapshotId);
    } catch (err) {
      // Nothing is active now: the page offers New run, and the stored run is untouched.
      this.setStatus('error');
      throw err;
    }
  }

  private async restore(runId: string, snapshotId?: string): Promise<ResumeReport> {
    const run = await this.store.getRun(runId);
    if (run === undefined) throw new NoRunError(`Run ${runId} no longer exists: start a new run.`);
    const text = await this.store.getDataset(run.dataset.id);
    if (text === undefined)
      throw new NoRunError(`The text of run "${run.name}" is missing: start a new run.`);
    const dataset = await reloadDataset(run.dataset, text.text);
    const { payload, skipped } = await this.store.loadLatestGood(runId, snapshotId);
    const { manifest } = payload;
    // Issue 12: resume on the snapshot's backend when it is here (bitwise), else the best one.
    const backend = await selectBackend(this.forcedBackend, manifest.backend);
    this.backend = backend.backend;
    const session = await restorePayload(run.config, dataset.data, payload);
    this.activate({ run, dataset, session });
    this.lastValLoss = manifest.valLoss;
    this.setStatus('paused');
    return { run, snapshot: manifest, skipped, backend };
  }

  private activate(active: ActiveRun): void {
    this.active = active;
    this.lastValLoss = null;
    this.lastProgress = { at: performance.now(), step: active.session.step };
  }

  async start(): Promise<void> {
    const { session } = this.requireActive();
    if (this.running) return;
    const budget = session.config.steps;
    if (budget > 0 && session.step >= budget) {
      throw new ConfigError(
        `This run has used its step budget of ${budget} steps. To train on, fine-tune from its newest snapshot with a larger budget.`,
      );
    }
    this.running = true;
    this.lastProgress = { at: performance.now(), step: session.step };
    this.snapshotDueAt = performance.now() + this.interval.seconds() * 1000;
    this.setStatus('training');
    this.loop = this.runLoop(session);
  }

  async pause(): Promise<void> {
    await this.halt();
    if (this.active !== null) this.setStatus('paused');
  }

  private async halt(): Promise<void> {
    this.running = false;
    await this.loop;
    this.loop = null;
    void this.drainWhilePaused();
  }

  /** Stops training and forgets the active run; its snapshot in flight still commits. */
  private async drop(): Promise<void> {
    await this.halt();
    this.scheduler.cancelPending(new NoRunError('The run was replaced before its snapshot.'));
    await this.scheduler.idle();
    this.active?.session.dispose();
    this.active = null;
  }

  private async runLoop(session: TrainingSession): Promise<void> {
    try {
      while (this.running) {
        const budget = session.config.steps;
        if (budget > 0 && session.step >= budget) {
          // The budget is spent: stop as a pause does, and save the final state.
          this.running = false;
          this.setStatus('paused');
          this.scheduler.request('auto').catch(() => undefined);
          void this.drainWhilePaused();
          break;
        }
        const loss = await session.trainStep();
        if (session.step % VAL_EVERY === 0) {
          this.lastValLoss = await session.evaluate();
          this.emit({ type: 'val', step: session.step, loss: this.lastValLoss });
        }
        if (performance.now() >= this.snapshotDueAt) {
          this.scheduler.request('auto').catch(() => undefined);
        }
        this.scheduler.runIfDue(
          (trigger) => this.capture(trigger),
          (captured) => this.persist(captured),
        );
        this.reportProgress(session, loss);
        if (performance.now() - this.lastSampleAt > SAMPLE_MS) {
          this.lastSampleAt = performance.now();
          this.emit({
            type: 'sample',
            step: session.step,
            samples: await session.sample(SAMPLE_COUNT),
          });
        }
        await yieldToEventLoop();
      }
    } catch (err) {
      this.running = false;
      this.emit({ type: 'error', error: serializeError(err) });
      this.setStatus('error');
    } finally {
      this.flushProgress(session);
    }
  }

  private reportProgress(session: TrainingSession, loss: number): void {
    this.unreported.push([session.step, loss]);
    if (performance.now() - this.lastProgress.at >= PROGRESS_MS) this.flushProgress(session);
  }

  private flushProgress(session: TrainingSession): void {
    const last = this.unreported[this.unreported.length - 1];
    if (last === undefined) return;
    const now = performance.now();
    const stepsPerSec =
      ((session.step - this.lastProgress.step) * 1000) / (now - this.lastProgress.at);
    this.lastProgress = { at: now, step: session.step };
    this.emit({
      type: 'progress',
      step: session.step,
      epoch: session.sampler.position().epoch,
      loss: last[1],
      stepsPerSec,
      tokensPerSec: stepsPerSec * session.tokensPerStep,
      losses: this.unreported,
    });
    this.unreported = [];
  }

  private capture(
    trigger: SnapshotTrigger,
    newRun?: RunRecord,
  ): { captured: Captured; ctx: SnapshotContext } {
    const { run, dataset, session } = this.requireActive();
    const started = performance.now();
    const state = captureState(session);
    this.snapshotDueAt = started + this.interval.seconds() * 1000;
    const capturedAt = performance.now();
    return {
      captured: {
        state,
        trigger,
        capturedAt,
        stallMs: capturedAt - started,
        valLoss: this.lastValLoss,
      },
      ctx: {
        runId: run.id,
        config: run.config,
        dataset: dataset.info,
        backend: this.backend,
        keepLast: this.keepLast,
        ...(newRun ? { newRun } : {}),
      },
    };
  }

  private async persist(job: { captured: Captured; ctx: SnapshotContext }): Promise<Committed> {
    try {
      const committed = await persistSnapshot(this.store, job.captured, job.ctx);
      this.emit({ type: 'snapshot-committed', ...committed });
      const before = this.interval.seconds();
      this.interval.recordCost(committed.persistMs);
      if (Math.round(before) !== Math.round(this.interval.seconds())) {
        this.snapshotDueAt += (this.interval.seconds() - before) * 1000;
      }
      this.emit({ type: 'snapshot-interval', interval: this.interval.info() });
      return committed;
    } catch (err) {
      this.emit({ type: 'snapshot-failed', error: serializeError(err) });
      throw err;
    }
  }

  // While paused the state is already at a step boundary: capture as soon as nothing is in flight.
  private async drainWhilePaused(): Promise<void> {
    while (!this.running && this.active !== null && this.scheduler.hasPending) {
      await this.scheduler.idle();
      if (this.running || this.active === null) return;
      this.scheduler.runIfDue(
        (trigger) => this.capture(trigger),
        (captured) => this.persist(captured),
      );
    }
  }

  async snapshotNow(trigger: SnapshotTrigger): Promise<SnapshotManifest | null> {
    if (this.active === null) return null;
    const request = this.scheduler.request(trigger);
    if (!this.running) void this.drainWhilePaused();
    return (await request).manifest;
  }

  async setSnapshotPolicy(policy: SnapshotPolicy): Promise<SnapshotIntervalInfo> {
    this.interval.setPolicy(validatePolicy(policy));
    this.snapshotDueAt = performance.now() + this.interval.seconds() * 1000;
    return this.interval.info();
  }

  async deleteRun(runId: string): Promise<void> {
    if (this.active?.run.id === runId) {
      await this.drop();
      this.setStatus('idle');
    }
    await this.store.deleteRun(runId);
  }

  async debugFault(kind: 'crash' | 'device-loss'): Promise<void> {
    if (kind === 'crash') {
      setTimeout(() => {
        throw new Error('Simulated worker crash (debug)');
      });
    } else if (!destroyDevice()) {
      throw new BackendError('There is no WebGPU device to lose: the backend is not webgpu.');
    }
  }

  private setStatus(status: TrainerStatus): void {
    this.emit({ type: 'status', status });
  }
}
