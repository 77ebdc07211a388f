import type { SnapshotTrigger } from '../../src/shared/snapshot';
import {
  persistSnapshot,
  type Captured,
  type Committed,
  type SnapshotContext,
} from '../../workers/snapshot/persist-snapshot';
import { SnapshotScheduler } from '../../workers/snapshot/snapshot-scheduler';
import type { SnapshotStore } from '../../workers/store';
import type { TrainingSession } from '../../workers/training/session';
import { captureState } from '../../workers/training/state-capture';
import { yieldToEventLoop } from '../../workers/training/yield';
import { epochNow } from './stats';

/** One timed step; `snapshot` is the index of the snapshot persisting when it began, else -1. */
export interface StepRecord {
  readonly ms: number;
  readonly snapshot: number;
}

export interface WindowResult {
  readonly steps: number;
  readonly wallMs: number;
}

export interface WindowOptions {
  /** Stop stepping once this much time has passed. */
  readonly ms: number;
  /** The snapshot timer's period; null trains without snapshots, 0 takes them back to back. */
  readonly everyMs: number | null;
  /** Also stop once this many snapshots have committed in this window. */
  readonly untilCommits?: number;
}

/**
 * The trainer's loop (TrainerController.runLoop) reduced to what a snapshot touches: trainStep,
 * the timer's request, SnapshotScheduler.runIfDue with captureState at the step boundary and
 * persistSnapshot in the background, and the same MessageChannel yield between steps.
 * Validation and sampling, which the app does every 25 steps and every 3 s, are left out.
 */
export class SnapshotLoop {
  readonly steps: StepRecord[] = [];
  readonly stallMs: number[] = [];
  readonly committed: Committed[] = [];
  /** Epoch ms (epochNow) of each commit, for the runner's heap samples. */
  readonly committedAt: number[] = [];
  private readonly scheduler = new SnapshotScheduler<Committed>();
  private started = 0;
  private failure: unknown = null;

  constructor(
    private readonly session: TrainingSession,
    private readonly store: SnapshotStore,
    private readonly ctx: SnapshotContext,
  ) {}

  async window(options: WindowOptions): Promise<WindowResult> {
    const start = performance.now();
    const commitsBefore = this.committed.length;
    let dueAt = options.everyMs === null ? Infinity : start + options.everyMs;
    let steps = 0;
    while (performance.now() - start < options.ms) {
      if (this.committed.length - commitsBefore >= (options.untilCommits ?? Infinity)) break;
      const inFlight = this.scheduler.busy ? this.started - 1 : -1;
      const stepStart = performance.now();
      await this.session.trainStep();
      this.steps.push({ ms: performance.now() - stepStart, snapshot: inFlight });
      steps += 1;
      if (performance.now() >= dueAt) this.scheduler.request('auto').catch(() => undefined);
      this.scheduler.runIfDue(
        (trigger) => {
          const captured = this.capture(trigger);
          dueAt = captured.capturedAt - captured.stallMs + (options.everyMs ?? 0);
          return captured;
        },
        (captured) => this.persist(captured),
      );
      await yieldToEventLoop();
    }
    const wallMs = performance.now() - start;
    // A request the timer made while a snapshot was in flight must not spill into the next
    // window (a window without snapshots would take it at its first step).
    this.scheduler.cancelPending(new Error('the bench window ended'));
    await this.scheduler.idle();
    if (this.failure !== null) throw this.failure;
    return { steps, wallMs };
  }

  /** As TrainerController.capture: captureState timed at the step boundary. */
  private capture(trigger: SnapshotTrigger): Captured {
    const started = performance.now();
    const state = captureState(this.session);
    const capturedAt = performance.now();
    this.started += 1;
    this.stallMs.push(capturedAt - started);
    return { state, trigger, capturedAt, stallMs: capturedAt - started, valLoss: null };
  }

  private async persist(captured: Captured): Promise<Committed> {
    try {
      const committed = await persistSnapshot(this.store, captured, this.ctx);
      this.committed.push(committed);
      this.committedAt.push(epochNow());
      return committed;
    } catch (err) {
      this.failure ??= err;
      throw err;
    }
  }
}
