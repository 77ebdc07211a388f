import type { BackendName, RunConfig, SnapshotIntervalInfo, SnapshotPolicy } from './config';
import type { SerializedError } from './errors';
import type { RunRecord, SnapshotManifest, SnapshotTrigger } from './snapshot';

export type TrainerStatus = 'idle' | 'training' | 'paused' | 'resuming' | 'error';

export interface BackendReport {
  readonly backend: BackendName;
  /**
   * What runs and why: the backend's detail (adapter, renderer, SIMD and threads) and why the
   * backends ranked above it were passed over, e.g. "SIMD, 2 threads — WebGPU adapter is
   * SwiftShader, a software GPU" beside the name wasm. (The name is kept from when it held only
   * fallback reasons.)
   */
  readonly fallbackReason: string | null;
}

export interface UserDataset {
  readonly name: string;
  readonly text: string;
}

export interface ResumeReport {
  readonly run: RunRecord;
  readonly snapshot: SnapshotManifest;
  /** Newer snapshots that failed verification and were skipped, with the reason. */
  readonly skipped: readonly {
    readonly id: string;
    readonly step: number;
    readonly reason: string;
  }[];
  /** The backend the run resumed on, and why (its snapshot's when still available). */
  readonly backend: BackendReport;
}

/** Events the worker sends the page; a fast GPU's progress is throttled before sending. */
export type TrainerEvent =
  | {
      readonly type: 'progress';
      readonly step: number;
      readonly epoch: number;
      readonly loss: number;
      readonly stepsPerSec: number;
      readonly tokensPerSec: number;
      /** Every step's [step, loss] since the previous progress event, for the chart. */
      readonly losses: readonly (readonly [number, number])[];
    }
  | { readonly type: 'val'; readonly step: number; readonly loss: number }
  | { readonly type: 'sample'; readonly step: number; readonly samples: readonly string[] }
  | { readonly type: 'status'; readonly status: TrainerStatus }
  | {
      readonly type: 'snapshot-committed';
      readonly manifest: SnapshotManifest;
      readonly stallMs: number;
      readonly persistMs: number;
    }
  | { readonly type: 'snapshot-failed'; readonly error: SerializedError }
  | { readonly type: 'snapshot-interval'; readonly interval: SnapshotIntervalInfo }
  | { readonly type: 'error'; readonly error: SerializedError }
  | { readonly type: 'device-lost'; readonly message: string };

export interface CheckpointFile {
  readonly fileName: string;
  readonly blob: Blob;
}

/** What a validated checkpoint file holds, shown before the user decides what to do with it. */
export interface CheckpointSummary {
  readonly runName: string;
  readonly model: string;
  readonly step: number;
  readonly lr: number;
  readonly steps: number;
  readonly formatVersion: number;
}

/** Starting a new run from a checkpoint's weights: fine-tuning with other settings. */
export interface ForkOptions {
  readonly lr?: number;
  readonly steps?: number;
  /** Start Adam afresh (no moments, iteration 0) instead of keeping its state. */
  readonly resetOptimizer: boolean;
}

export type EventSink = (event: TrainerEvent) => void;

/** The worker's whole surface. The page wraps it with comlink and never imports worker code. */
export interface TrainerApi {
  init(backend: BackendName | null, onEvent: EventSink): Promise<BackendReport>;
  newRun(config: RunConfig, dataset: UserDataset | null): Promise<RunRecord>;
  resumeRun(runId: string, snapshotId?: string): Promise<ResumeReport>;
  start(): Promise<void>;
  /** Resolves once the loop has stopped at a step boundary. */
  pause(): Promise<void>;
  snapshotNow(trigger: SnapshotTrigger): Promise<SnapshotManifest | null>;
  setSnapshotPolicy(policy: SnapshotPolicy): Promise<SnapshotIntervalInfo>;
  listRuns(): Promise<RunRecord[]>;
  listSnapshots(runId: string): Promise<SnapshotManifest[]>;
  deleteRun(runId: string): Promise<void>;
  pinSnapshot(snapshotId: string, pinned: boolean): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /**
   * Fault injection for tests and manual checks (the page offers it only with ?debug=1): an
   * uncaught error in the worker, or a real WebGPU device loss via device.destroy().
   */
  /** The newest snapshot of the active run, or the given one, as a safetensors file. */
  exportCheckpoint(runId: string, snapshotId?: string): Promise<CheckpointFile>;
  /** Validates a file without writing anything; throws the named refusal. */
  inspectCheckpoint(file: Blob): Promise<CheckpointSummary>;
  /**
   * Validates a checkpoint file and stores it as a new run (nothing is written if it is
   * refused). `dataset` is the user's chosen text, for a checkpoint trained on a file this
   * browser has not seen.
   */
  importCheckpoint(file: Blob, dataset: UserDataset | null): Promise<RunRecord>;
  /** A new run from a stored snapshot's or a file's weights, with changed settings. */
  forkRun(
    source: { snapshotId: string } | { file: Blob },
    options: ForkOptions,
    dataset: UserDataset | null,
  ): Promise<RunRecord>;
  debugFault(kind: 'crash' | 'device-loss'): Promise<void>;
}
