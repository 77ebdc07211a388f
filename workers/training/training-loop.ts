import type { EventSink, LoopEnd } from '../../src/shared/api';
import { CancelledError, DivergenceError, serializeError } from '../../src/shared/errors';
import { judgeStep, REWIND_LIMIT, rewindsWithin, type Spike } from './divergence-guard';
import { markPhase } from './phase-marks';
import type { GpuCount } from './profile/gpu-work-counter';
import { StepProfileRequests, type StepProfile } from './profile/step-profile-requests';
import { ProgressReporter } from './progress-reporter';
import { rewind } from './rewind';
import type { TrainingSession } from './session';
import type { LoopSnapshots } from './snapshot-port';
import { yieldToEventLoop, yieldWhileBusy } from './yield';

export interface LoopOptions {
  /** Validation loss every this many steps; 0 never. */
  readonly valEvery: number;
  /** Samples every this many milliseconds; Infinity never. */
  readonly sampleMs: number;
  readonly sampleCount: number;
  /** Told each step's duration and the index of the snapshot in flight when it began, or -1. */
  readonly onStep?: (ms: number, snapshotInFlight: number) => void;
  /** Checked before every step: true ends the loop as a stop() would. */
  readonly shouldStop?: () => boolean;
  /** Awaited after an accepted step, before its step boundary (tests place snapshots here). */
  readonly beforeBoundary?: (step: number) => Promise<void>;
  /** Counts a `?debug=1` profile's GPU work (tests give a fake device); WebGPU's by default. */
  readonly countGpu?: () => GpuCount | null;
}

/**
 * The share of a step's time, and the most milliseconds, a snapshot's commit may have between
 * two steps (yieldWhileBusy): 2% keeps a committing run at ≥ 0.98× its throughput.
 */
const COMMIT_SHARE = 0.02;
const COMMIT_SLICE_MAX_MS = 10;

const LOOP_STOPPED = () => new CancelledError('Profiling a step (the run stopped first)');

export const APP_LOOP: LoopOptions = { valEvery: 25, sampleMs: 3000, sampleCount: 5 };

/**
 * The training loop, as the app runs it and the benchmark measures it: a step, the divergence
 * guard's judgement of it, validation now and then, the snapshotter's step boundary, throttled
 * progress, samples on a timer, and a yield so that pause and snapshot requests get in. `done`
 * settles with why it ended by itself (the step budget, an error, three rewinds), or null when
 * stop() ended it.
 *
 * The guard judges each step from the loss and gradient norm that trainStep already reads back,
 * before the step boundary: a spiked state is never captured, so a rewind to a committed
 * snapshot undoes it whole.
 */
export class TrainingLoop {
  private running = true;
  private lastSampleAt = 0;
  /** How long the last samples took to generate. */
  private sampleMs = 0;
  readonly done: Promise<LoopEnd | null>;
  /** Waiting for the next step's profile (`profileNextStep`). */
  private readonly profiles: StepProfileRequests;

  constructor(
    private readonly session: TrainingSession,
    private readonly snapshotter: LoopSnapshots,
    private readonly emit: EventSink,
    private readonly options: LoopOptions = APP_LOOP,
  ) {
    this.profiles = new StepProfileRequests(options.countGpu);
    this.done = this.run();
  }

  /**
   * Profiles the loop's next step op by op (the page's `?debug=1` profile), on WebGPU after
   * counting the GPU work of the step before it: steps of the run like any other. Fails with
   * a CancelledError if the loop stops first.
   */
  profileNextStep(): Promise<StepProfile> {
    if (!this.running) return Promise.reject(LOOP_STOPPED());
    return this.profiles.ask();
  }

  /** Ends the loop at the next step boundary; resolves once it has stopped. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async run(): Promise<LoopEnd | null> {
    const { session, snapshotter, options } = this;
    const progress = new ProgressReporter(session, this.emit);
    snapshotter.setTraining(true);
    let first = true;
    try {
      while (this.running && !(options.shouldStop?.() ?? false)) {
        const budget = session.config.steps;
        if (budget > 0 && session.step >= budget) {
          // The budget is spent: the final state is saved, as a pause would save it.
          snapshotter.request('auto').catch(() => undefined);
          return { reason: 'budget' };
        }
        const inFlight = snapshotter.busy ? snapshotter.started - 1 : -1;
        const began = performance.now();
        const loss = await this.profiles.step(session);
        const stepMs = performance.now() - began;
        options.onStep?.(stepMs, inFlight);
        if (first) markPhase('first-step');
        first = false;
        const spike = judgeStep(session.config, session.lastStep!, session.train);
        if (spike !== null) {
          progress.flush();
          const end = await this.rewind(spike);
          progress.rebase();
          if (end !== null) return end;
          await yieldToEventLoop();
          continue;
        }
        await options.beforeBoundary?.(session.step);
        if (options.valEvery > 0 && session.step % options.valEvery === 0) {
          const { loss: val, bitsPerByte } = await session.evaluate();
          snapshotter.recordValLoss(val);
          this.emit({ type: 'val', step: session.step, loss: val, bitsPerByte });
        }
        snapshotter.atStepBoundary();
        progress.record(loss);
        // Sampling reads back once per token, and the gap after it is at least twice its time:
        // on a software GPU 96 prose tokens of a one-layer gpt took about a minute, and a timer
        // of 3 s from the start of each sample had left one training step per sample.
        if (performance.now() - this.lastSampleAt > Math.max(options.sampleMs, 2 * this.sampleMs)) {
          const began = performance.now();
          const samples = await session.sample(options.sampleCount);
          this.lastSampleAt = performance.now();
          this.sampleMs = this.lastSampleAt - began;
          this.emit({ type: 'sample', step: session.step, samples });
        }
        const slice = Math.min(stepMs * COMMIT_SHARE, COMMIT_SLICE_MAX_MS);
        await yieldWhileBusy(() => snapshotter.busy, slice);
      }
      return null;
    } catch (err) {
      return { reason: 'error', error: serializeError(err) };
    } finally {
      this.running = false;
      progress.flush();
      snapshotter.setTraining(false);
      this.profiles.cancel(LOOP_STOPPED);
    }
  }

  /** Rewinds past a spike; three rewinds within the window end the loop with DivergenceError. */
  private async rewind(spike: Spike): Promise<LoopEnd | null> {
    const { session } = this;
    const record = await rewind(session, this.snapshotter, spike);
    const { rewinds, lrScale } = session.guard;
    this.emit({ type: 'rewind', rewind: record, rewinds: rewinds.length, lrScale });
    const { rewindWindow, lr, clip } = session.config;
    const recent = rewindsWithin(rewinds, record.spikeStep, rewindWindow);
    if (recent.length < REWIND_LIMIT) return null;
    const error = new DivergenceError({
      spikeSteps: recent.map((r) => r.spikeStep),
      window: rewindWindow,
      pausedAt: session.step,
      lr: lr * lrScale,
      clip,
    });
    return { reason: 'error', error: serializeError(error) };
  }
}
