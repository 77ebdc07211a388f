import type {
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
  SnapshotSummary,
  SnapshotTrigger,
} from '../../src/shared/snapshot';
import type { LoadedDataset } from './run-setup';
import type { TrainingSession } from './session';

// Training is the lower layer: workers/snapshot saves a training session and needs its types
// (the session, the captured state, the dataset), while training needs of snapshots only these
// few calls. So training owns this port, workers/snapshot's Snapshotter implements it, and
// nothing in workers/training imports workers/snapshot (the lint rules say so).

/** The run whose state is saved. */
export interface SnapshotTarget {
  readonly run: RunRecord;
  readonly dataset: LoadedDataset;
  readonly session: TrainingSession;
}

/** What the training loop and a rewind ask of snapshots. */
export interface LoopSnapshots {
  /** True while a snapshot is being read back and committed. */
  readonly busy: boolean;
  /** How many snapshots have been captured (the benchmark's per-step bookkeeping). */
  readonly started: number;
  /** The loop runs (the timer is on) or stands at a step boundary (requests run at once). */
  setTraining(training: boolean): void;
  recordValLoss(loss: number): void;
  /** After every step: the only moment a running state is consistent. */
  atStepBoundary(): void;
  /** Resolves with the first snapshot captured after this request. */
  request(trigger: SnapshotTrigger): Promise<SnapshotSummary>;
  /** Once the snapshot in flight has committed, the training state's line, newest first. */
  line(): Promise<SnapshotManifest[]>;
  /** A verified snapshot of the active run. */
  load(snapshotId: string): Promise<SnapshotPayload>;
  /** Moves the line to `rewoundTo` and commits the rewound state; null if that failed. */
  commitRewind(rewoundTo: SnapshotManifest): Promise<SnapshotSummary | null>;
}

/** What the run lifecycle (TrainerController) asks of snapshots besides the loop's calls. */
export interface RunSnapshots extends LoopSnapshots {
  /** Makes `target` the run to save; `newest` is its newest snapshot, if it has one. */
  attach(target: SnapshotTarget, newest: SnapshotSummary | null, valLoss: number | null): void;
  /** Forgets the run: waiting requests fail, the snapshot in flight still commits. */
  detach(): Promise<void>;
  /** A new run's step-0 snapshot, written with the run and its text. */
  first(): Promise<SnapshotSummary>;
  /** For a pause: the current state unless a commit holds its step; null if it failed. */
  commitCurrent(trigger: SnapshotTrigger): Promise<SnapshotSummary | null>;
}
