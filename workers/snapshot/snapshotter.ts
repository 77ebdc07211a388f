import type { EventSink } from '../../src/shared/api';
import {
  validatePolicy,
  type SnapshotIntervalInfo,
  type SnapshotPolicy,
} from '../../src/shared/config';
import { RunReplacedError, serializeError } from '../../src/shared/errors';
import {
  summarize,
  type SnapshotManifest,
  type SnapshotPayload,
  type SnapshotSummary,
  type SnapshotTrigger,
} from '../../src/shared/snapshot';
import { lineOf, type SnapshotStore } from '../store';
import type { RunSnapshots, SnapshotTarget } from '../training/snapshot-port';
import { captureState } from '../training/state-capture';
import {
  persistSnapshot,
  targetContext,
  type Captured,
  type Committed,
  type Job,
} from './persist-snapshot';
import { SnapshotTimer } from './snapshot-interval';
import { SnapshotScheduler } from './snapshot-scheduler';

/** After a failed snapshot, the next is taken this soon (or at its usual time, if sooner). */
const RETRY_AFTER_FAILURE_MS = 4000;

/**
 * Owns every snapshot of the active run: the timer (automatic or fixed interval), capture at a
 * step boundary, persist in the background (one in flight, requests coalesced), draining while
 * paused, and the snapshot events. The training loop calls `atStepBoundary()` after each step;
 * everything else asks through `request()`. The benchmark drives this same class.
 */
export class Snapshotter implements RunSnapshots {
  private readonly scheduler = new SnapshotScheduler<Committed>();
  private readonly timer: SnapshotTimer;
  private target: SnapshotTarget | null = null;
  private training = false;
  private valLoss: number | null = null;
  /** The active run's newest committed snapshot. */
  private committed: SnapshotSummary | null = null;
  /**
   * The newest commit of the line the training state descends from: the parent of the next
   * capture. It is the newest commit, except right after a rewind (the snapshot rewound to).
   */
  private head: string | null = null;
  /** How many snapshots have been captured, for the benchmark's per-step bookkeeping. */
  started = 0;
  keepLast = 3;

  constructor(
    private readonly store: SnapshotStore,
    private readonly emit: EventSink,
    policy: SnapshotPolicy,
  ) {
    this.timer = new SnapshotTimer(policy);
  }

  /** True while a snapshot is being read back and committed. */
  get busy(): boolean {
    return this.scheduler.busy;
  }

  /** Makes `target` the run to save; `newest` is its newest snapshot, if it has one. */
  attach(target: SnapshotTarget, newest: SnapshotSummary | null, valLoss: number | null): void {
    this.target = target;
    this.committed = newest;
    this.head = newest?.id ?? null;
    this.valLoss = valLoss;
  }

  /** Forgets the run: waiting requests fail, the snapshot in flight still commits. */
  async detach(): Promise<void> {
    this.training = false;
    this.scheduler.cancelPending(new RunReplacedError());
    await this.scheduler.idle();
    this.target = null;
  }

  /** The loop runs (the timer is on) or stands at a step boundary (requests run at once). */
  setTraining(training: boolean): void {
    this.training = training;
    if (training) this.timer.restart();
    else void this.drain();
  }

  recordValLoss(loss: number): void {
    this.valLoss = loss;
  }

  /** Called by the loop after every step: the only moment a running state is consistent. */
  atStepBoundary(): void {
    if (this.timer.due) this.scheduler.request('auto').catch(() => undefined);
    this.runIfDue();
  }

  /**
   * Asks for a snapshot; resolves with the first one captured after this request. While paused
   * at a step that the newest commit already holds, that commit is the answer: a second copy of
   * the same state would only push an older snapshot out of retention.
   */
  async request(trigger: SnapshotTrigger): Promise<SnapshotSummary> {
    const newest = this.committed;
    if (!this.training && !this.scheduler.busy && newest !== null) {
      if (newest.step === this.target?.session.step) return newest;
    }
    const pending = this.scheduler.request(trigger);
    if (!this.training) void this.drain();
    return summarize((await pending).manifest);
  }

  /**
   * For a pause: a snapshot of the current state unless one already holds its step, so what a
   * paused page shows is what an export, a reload or another tab gets. Null if it failed (the
   * snapshot-failed event has told the page why).
   */
  async commitCurrent(trigger: SnapshotTrigger): Promise<SnapshotSummary | null> {
    await this.scheduler.idle();
    const step = this.target?.session.step;
    if (step === undefined || step === this.committed?.step) return null;
    return this.request(trigger).catch(() => null);
  }

  /** A new run's step-0 snapshot, written in one transaction with the run and its text. */
  async first(): Promise<SnapshotSummary> {
    const committed = await this.persist({ captured: this.capture('initial'), isNew: true });
    return summarize(committed.manifest);
  }

  /**
   * For a rewind: once the snapshot in flight has committed (it holds a state from before the
   * spike), the snapshots of the training state's line, newest first.
   */
  async line(): Promise<SnapshotManifest[]> {
    await this.scheduler.idle();
    const { run } = this.requireTarget();
    return lineOf(await this.store.listSnapshots(run.id), this.head);
  }

  /** A verified snapshot of the active run (an older one if it is damaged, with the skips). */
  async load(snapshotId: string): Promise<SnapshotPayload> {
    const { run } = this.requireTarget();
    return (await this.store.loadLatestGood(run.id, snapshotId)).payload;
  }

  /**
   * After a rewind to `rewoundTo`: the line goes on from that snapshot, and the rewound state
   * (with its skip list) is committed at once, so that a reload resumes it rather than the
   * abandoned branch. Null if the commit failed (the snapshot-failed event says why).
   */
  async commitRewind(rewoundTo: SnapshotManifest): Promise<SnapshotSummary | null> {
    await this.scheduler.idle();
    this.head = rewoundTo.id;
    const pending = this.scheduler.request('rewind');
    this.runIfDue();
    try {
      return summarize((await pending).manifest);
    } catch {
      return null;
    }
  }

  setPolicy(policy: SnapshotPolicy): SnapshotIntervalInfo {
    this.timer.setPolicy(validatePolicy(policy));
    return this.timer.interval.info();
  }

  /** Resolves once the snapshot in flight, if any, has settled. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Resolves once no snapshot is in flight and none waits (while paused, waiting ones run). */
  async settled(): Promise<void> {
    while (this.scheduler.busy || (this.target !== null && this.scheduler.hasPending)) {
      await this.scheduler.idle();
      await Promise.resolve();
    }
  }

  private requireTarget(): SnapshotTarget {
    if (this.target === null) throw new RunReplacedError();
    return this.target;
  }

  private runIfDue(): void {
    this.scheduler.runIfDue(
      (trigger) => ({ captured: this.capture(trigger), isNew: false }),
      (job) => this.persist(job),
    );
  }

  // While paused the state is already at a step boundary: capture as soon as nothing is in flight.
  private async drain(): Promise<void> {
    while (!this.training && this.target !== null && this.scheduler.hasPending) {
      await this.scheduler.idle();
      if (this.training || this.target === null) return;
      this.runIfDue();
    }
  }

  private capture(trigger: SnapshotTrigger): Captured {
    const { session } = this.requireTarget();
    const started = performance.now();
    const state = captureState(session);
    const capturedAt = performance.now();
    this.timer.restart(started);
    this.started += 1;
    return {
      state,
      trigger,
      capturedAt,
      stallMs: capturedAt - started,
      valLoss: this.valLoss,
      parentId: this.head,
    };
  }

  private async persist(job: Job): Promise<Committed> {
    const { run } = this.requireTarget();
    try {
      const committed = await persistSnapshot(
        this.store,
        job.captured,
        targetContext(this.requireTarget(), job, this.keepLast),
      );
      const summary = summarize(committed.manifest);
      if (this.target?.run.id === run.id) {
        this.committed = summary;
        // A rewind since this capture moved the line elsewhere; otherwise this is its head.
        if (this.head === committed.manifest.parentId) this.head = summary.id;
      }
      this.emit({
        type: 'snapshot-committed',
        snapshot: summary,
        stallMs: committed.stallMs,
        persistMs: committed.persistMs,
        recovered: committed.recovered,
        mirror: committed.mirror,
      });
      this.timer.recordCost(committed.persistMs);
      this.emit({ type: 'snapshot-interval', interval: this.timer.interval.info() });
      return committed;
    } catch (err) {
      const error = serializeError(err);
      this.emit({ type: 'snapshot-failed', error });
      // The store heals itself (a reopened connection, freed space): try again soon rather
      // than a whole interval later. A database newer than this code needs a reload instead.
      if (error.name !== 'StoreVersionError') {
        this.timer.retryWithin(RETRY_AFTER_FAILURE_MS);
      }
      throw err;
    }
  }
}
