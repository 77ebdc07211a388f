import type { EventSink, LoopEnd } from '../../src/shared/api';
import { serializeError } from '../../src/shared/errors';
import type { Snapshotter } from '../snapshot/snapshotter';
import { ProgressReporter } from './progress-reporter';
import type { TrainingSession } from './session';
import { yieldToEventLoop } from './yield';

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
}

export const APP_LOOP: LoopOptions = { valEvery: 25, sampleMs: 3000, sampleCount: 5 };

/**
 * The training loop, as the app runs it and the benchmark measures it: a step, validation now
 * and then, the snapshotter's step boundary, throttled progress, samples on a timer, and a
 * yield so that pause and snapshot requests get in. `done` settles with why it ended by itself
 * (the step budget, an error), or null when stop() ended it.
 */
export class TrainingLoop {
  private running = true;
  private lastSampleAt = 0;
  readonly done: Promise<LoopEnd | null>;

  constructor(
    private readonly session: TrainingSession,
    private readonly snapshotter: Snapshotter,
    private readonly emit: EventSink,
    private readonly options: LoopOptions = APP_LOOP,
  ) {
    this.done = this.run();
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
        const loss = await session.trainStep();
        options.onStep?.(performance.now() - began, inFlight);
        if (options.valEvery > 0 && session.step % options.valEvery === 0) {
          const val = await session.evaluate();
          snapshotter.recordValLoss(val);
          this.emit({ type: 'val', step: session.step, loss: val });
        }
        snapshotter.atStepBoundary();
        progress.record(loss);
        if (performance.now() - this.lastSampleAt > options.sampleMs) {
          this.lastSampleAt = performance.now();
          const samples = await session.sample(options.sampleCount);
          this.emit({ type: 'sample', step: session.step, samples });
        }
        await yieldToEventLoop();
      }
      return null;
    } catch (err) {
      return { reason: 'error', error: serializeError(err) };
    } finally {
      this.running = false;
      progress.flush();
      snapshotter.setTraining(false);
    }
  }
}
