// Checkpoint files across TrainerApi: a download, a checked file's summary, a fork's source.

/** A checkpoint file as the page downloads it. */
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

/**
 * A file the worker has decoded and verified, kept there under `token`: importing or forking it
 * uses that result and never decodes or hashes the file a second time.
 */
export interface InspectedCheckpoint {
  readonly token: string;
  readonly summary: CheckpointSummary;
}

/** Starting a new run from a checkpoint's weights: fine-tuning with other settings. */
export interface ForkOptions {
  readonly lr?: number;
  readonly steps?: number;
  /** Start Adam afresh (no moments, iteration 0) instead of keeping its state. */
  readonly resetOptimizer: boolean;
}

/** What a fork starts from: a stored snapshot, or a file inspected before (by its token). */
export type ForkSource = { readonly snapshotId: string } | { readonly token: string };
