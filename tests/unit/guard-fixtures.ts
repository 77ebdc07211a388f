import type { TrainerEvent } from '../../src/shared/api';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import type { RunRecord } from '../../src/shared/snapshot';
import { Snapshotter } from '../../workers/snapshot/snapshotter';
import type { SnapshotStore } from '../../workers/store';
import { loadDataset, newRunRecord, type LoadedDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { restorePayload } from '../../workers/training/state-capture';
import { TrainingLoop } from '../../workers/training/training-loop';
import type { LoopEnd } from '../../src/shared/api';
import names from '../../workers/training/names.txt?raw';
import { freshStore } from './store-fixtures';

export const GUARD_CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  embed: 8,
  width: 24,
  batch: 8,
  context: 3,
  lr: 0.01,
  rewindMargin: 5,
};

const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;

/** A run trained by the app's own loop, snapshotter and store (fake-indexeddb, CPU backend). */
export class GuardedRun {
  readonly events: TrainerEvent[] = [];
  readonly snapshotter: Snapshotter;
  session: TrainingSession;
  /** Steps whose next step is poisoned (each once), as a bad batch would poison it. */
  readonly poisonAfter = new Set<number>();

  private constructor(
    readonly store: SnapshotStore,
    readonly run: RunRecord,
    readonly dataset: LoadedDataset,
    readonly snapshotEvery: number,
  ) {
    this.snapshotter = new Snapshotter(store, (e) => this.events.push(e), NO_TIMER);
    this.session = TrainingSession.create(run.config, dataset.data);
  }

  /** A run of `config` on a text (the bundled names by default), read as its config says. */
  static async create(
    config: RunConfig,
    snapshotEvery = 5,
    text: { readonly name: string; readonly text: string } = { name: 'names', text: names },
  ): Promise<GuardedRun> {
    const { store } = await freshStore();
    const dataset = await loadDataset(text.name, text.text, config);
    const guarded = new GuardedRun(store, newRunRecord(config, dataset), dataset, snapshotEvery);
    guarded.snapshotter.attach(guarded.target(), null, null);
    await guarded.snapshotter.first();
    return guarded;
  }

  private target() {
    return { run: this.run, dataset: this.dataset, session: this.session };
  }

  /** Trains until `stop` says so (it sees the number of steps taken by this call). */
  async train(stop: (taken: number, session: TrainingSession) => boolean): Promise<LoopEnd | null> {
    let taken = 0;
    const loop = new TrainingLoop(this.session, this.snapshotter, (e) => this.events.push(e), {
      valEvery: 0,
      sampleMs: Infinity,
      sampleCount: 0,
      onStep: () => void (taken += 1),
      shouldStop: () => stop(taken, this.session),
      // A snapshot at every multiple of snapshotEvery, captured at exactly that step.
      beforeBoundary: async (step) => {
        if (this.poisonAfter.delete(step)) this.session.poisonNextStep();
        if (step % this.snapshotEvery !== 0) return;
        await this.snapshotter.idle();
        this.snapshotter.request('manual').catch(() => undefined);
      },
    });
    const end = await loop.done;
    await this.snapshotter.idle();
    return end;
  }

  /** "Crash": all that survives is the store; the run resumes from its newest good snapshot. */
  async crashAndResume(): Promise<void> {
    await this.snapshotter.detach();
    this.session.dispose();
    const { payload } = await this.store.loadLatestGood(this.run.id);
    this.session = await restorePayload(this.run.config, this.dataset.data, payload);
    const { summarize } = await import('../../src/shared/snapshot');
    this.snapshotter.attach(this.target(), summarize(payload.manifest), null);
  }

  async finalSnapshot() {
    const summary = await this.snapshotter.request('manual');
    return this.store.loadSnapshot(summary.id);
  }

  rewindEvents() {
    return this.events.flatMap((e) => (e.type === 'rewind' ? [e] : []));
  }

  dispose(): void {
    this.session.dispose();
  }
}
