import type { TrainerEvent } from '../../src/shared/api';
import { DEFAULT_SETTINGS } from '../../src/shared/run-config';
import type { RunRecord } from '../../src/shared/snapshot';
import {
  Snapshotter,
  TrainingLoop,
  type LoadedDataset,
  type SnapshotStore,
  type TrainingSession,
} from '../../workers/bench-surface';
import { epochNow } from './stats';

/** One timed step; `snapshot` is the index of the snapshot persisting when it began, else -1. */
export interface StepRecord {
  readonly ms: number;
  readonly snapshot: number;
}

export interface WindowResult {
  readonly steps: number;
  readonly wallMs: number;
  /** The steps' own time (trainStep); the rest of wallMs is the thread's other work. */
  readonly stepMs: number;
}

export interface WindowOptions {
  /** Stop stepping once this much time has passed (and, with snapshots, none is in flight). */
  readonly ms: number;
  /**
   * The snapshot timer's period; null trains without snapshots, 0 takes them back to back,
   * 'auto' is the app's default policy (its interval from the snapshots' measured cost).
   */
  readonly everyMs: number | 'auto' | null;
  /** Also stop once this many snapshots have committed in this window. */
  readonly untilCommits?: number;
}

/** Longer than any window: a timer that never fires inside one. */
const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;

/**
 * The app's own TrainingLoop and Snapshotter, timed: each window is a start and a stop of the
 * loop the trainer runs, with the snapshot timer set for the window. Validation and sampling,
 * which the app does every 25 steps and every 3 s, are turned off by the loop's options.
 */
export class SnapshotLoop {
  readonly steps: StepRecord[] = [];
  readonly stallMs: number[] = [];
  readonly committed: { readonly persistMs: number; readonly stallMs: number }[] = [];
  /** Epoch ms (epochNow) of each commit, for the runner's heap samples. */
  readonly committedAt: number[] = [];
  private readonly snapshotter: Snapshotter;
  private failure: unknown = null;

  constructor(
    private readonly session: TrainingSession,
    store: SnapshotStore,
    run: RunRecord,
    dataset: LoadedDataset,
  ) {
    this.snapshotter = new Snapshotter(store, (e) => this.onEvent(e), NO_TIMER);
    this.snapshotter.attach({ run, dataset, session }, null, null);
  }

  /** The run, its text and its step-0 snapshot, stored as a new run is. */
  async createRun(): Promise<void> {
    await this.snapshotter.first();
  }

  async window(options: WindowOptions): Promise<WindowResult> {
    const { everyMs } = options;
    this.snapshotter.setPolicy(
      everyMs === 'auto'
        ? DEFAULT_SETTINGS.snapshot
        : everyMs
          ? { kind: 'fixed', seconds: everyMs / 1000 }
          : NO_TIMER,
    );
    const start = performance.now();
    const commitsBefore = this.committed.length;
    let steps = 0;
    let stepMs = 0;
    let timeUp = false;
    const loop = new TrainingLoop(this.session, this.snapshotter, () => undefined, {
      valEvery: 0,
      sampleMs: Infinity,
      sampleCount: 0,
      onStep: (ms, snapshot) => {
        this.steps.push({ ms, snapshot });
        steps += 1;
        stepMs += ms;
        // Back to back: a request at every boundary with nothing in flight.
        if (everyMs === 0 && !timeUp && !this.snapshotter.busy) {
          this.snapshotter.request('auto').catch(() => undefined);
        }
      },
      shouldStop: () => {
        if (this.committed.length - commitsBefore >= (options.untilCommits ?? Infinity)) {
          return true;
        }
        if (performance.now() - start < options.ms) return false;
        if (everyMs === null) return true;
        // Time is up: no new snapshot, but training goes on until the one in flight has
        // committed, so that all of the window's snapshot work falls inside the window.
        if (!timeUp) this.snapshotter.setPolicy(NO_TIMER);
        timeUp = true;
        return !this.snapshotter.busy;
      },
    });
    const end = await loop.done;
    const wallMs = performance.now() - start;
    if (end?.reason === 'error') throw new Error(end.error.message);
    // Nothing should be left in flight; were it, it commits before the next window starts.
    await this.snapshotter.settled();
    if (this.failure !== null) throw this.failure;
    return { steps, wallMs, stepMs };
  }

  private onEvent(event: TrainerEvent): void {
    if (event.type === 'snapshot-committed') {
      this.committed.push({ persistMs: event.persistMs, stallMs: event.stallMs });
      this.stallMs.push(event.stallMs);
      this.committedAt.push(epochNow());
    } else if (event.type === 'snapshot-failed') {
      this.failure ??= new Error(`${event.error.name}: ${event.error.message}`);
    }
  }
}
