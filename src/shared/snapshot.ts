import type { BackendName, RunConfig } from './config';
import type { DataCursor, SkipWindow } from './data-cursor';
import type { PrngState } from './prng';

export type SnapshotTrigger =
  'auto' | 'hidden' | 'manual' | 'pause' | 'import' | 'initial' | 'rewind';
export type TensorDType = 'float32' | 'int32';
/**
 * Where a snapshot's state was computed: a browser backend, or, for a checkpoint that the Python
 * bridge (python/tabtrainer) trained on, torch and its device (`torch-cpu`), said honestly.
 */
export type StateBackend = BackendName | `torch-${string}`;

/** The text a run trains on. Stored once per content hash so a user's file survives reloads. */
export interface DatasetInfo {
  /** SHA-256 (hex) of the UTF-8 text: the dataset's identity. */
  readonly id: string;
  readonly name: string;
  /**
   * Character tokens' alphabet in code point order (lines: the boundary `\n` first); empty for
   * byte tokens. With the config's tokens, text and separator it gives the vocabulary's size
   * (text-mode.ts `vocabSize`).
   */
  readonly vocab: string;
  /** Lines: training and validation examples (targets). Prose: tokens in each part. */
  readonly trainExamples: number;
  readonly valExamples: number;
  /**
   * tokens=bpe only: the tokenizer.json the run learned on this text (issue 20). A resume, a
   * job and an imported file read it back instead of learning again; absent for other tokens.
   */
  readonly tokenizer?: string;
  /**
   * corpus=shards only (issue 20): the token shards the run reads, in the origin private file
   * system. The text itself is not stored (`id` is its SHA-256): when the corpus is gone, the
   * same file is asked for again and tokenized anew.
   */
  readonly corpus?: CorpusRef;
}

/** A tokenized corpus by content address, and the size of the text it was made from. */
export interface CorpusRef {
  readonly address: string;
  readonly bytes: number;
}

export interface TensorRecord {
  /** Checkpoint name: `model/<var>`, `optimizer/<var>/<m|v>`, `optimizer/iter`, ... */
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly byteLength: number;
  readonly sha256: string;
}

/** Adam, or AdamW (Adam's state plus a decoupled weight decay, which has none of its own). */
export interface OptimizerInfo {
  readonly className: 'Adam' | 'AdamW';
  readonly config: {
    readonly learningRate: number;
    readonly beta1: number;
    readonly beta2: number;
    readonly epsilon: number;
    /** AdamW only. */
    readonly weightDecay?: number;
  };
  readonly iterations: number;
}

/** [step, loss] pairs; validation rows are rarer than training rows. */
export interface Metrics {
  readonly train: readonly (readonly [number, number])[];
  readonly val: readonly (readonly [number, number])[];
  /**
   * [step, global gradient norm] of the same steps as `train` (before any clipping). Absent in
   * snapshots made before the norm was recorded.
   */
  readonly gradNorm?: readonly (readonly [number, number])[];
}

/** Why the divergence guard judged a step a spike. */
export type SpikeReason = 'non-finite' | 'loss-ratio';

/** One rewind of the divergence guard, as the run's history keeps it. */
export interface RewindRecord {
  /** The step whose loss (or gradient norm) was the spike; its update never stood. */
  readonly spikeStep: number;
  readonly reason: SpikeReason;
  /** The spike's loss and gradient norm (NaN when not finite). */
  readonly loss: number;
  readonly gradNorm: number;
  /** The mean loss of the window it was judged against; null for a non-finite step. */
  readonly mean: number | null;
  /** The committed snapshot the run went back to, and its step. */
  readonly toSnapshotId: string;
  readonly toStep: number;
  /** The batches passed over from then on. */
  readonly skipped: SkipWindow;
  /** The guard's learning-rate factor after this rewind. */
  readonly lrScale: number;
}

/** The divergence guard's part of the run's state. */
export interface GuardState {
  /** The data order's skip list: every window a rewind passed over, oldest first. */
  readonly skips: readonly SkipWindow[];
  readonly rewinds: readonly RewindRecord[];
  /** The product of the rewinds' learning-rate factors (1 when none). */
  readonly lrScale: number;
}

export const NO_GUARD_STATE: GuardState = { skips: [], rewinds: [], lrScale: 1 };

/** Host-side training state, everything but the tensors. */
export interface HostState {
  readonly step: number;
  readonly cursor: DataCursor;
  readonly prng: PrngState;
  readonly optimizer: OptimizerInfo;
  readonly metrics: Metrics;
  /** Wall-clock milliseconds spent training, for steps/s across resumes. */
  readonly trainingMs: number;
  /** Absent in snapshots made before the guard existed: NO_GUARD_STATE. */
  readonly guard?: GuardState;
}

export interface SnapshotManifest extends HostState {
  readonly id: string;
  readonly runId: string;
  readonly createdAt: number;
  readonly trigger: SnapshotTrigger;
  readonly config: RunConfig;
  readonly dataset: DatasetInfo;
  readonly backend: StateBackend;
  readonly appVersion: string;
  readonly tfjsVersion: string;
  readonly tensors: readonly TensorRecord[];
  /** Sum of the tensors' byte lengths. */
  readonly bytes: number;
  /** Newest validation loss at the time of the snapshot, for keep-best retention. */
  readonly valLoss: number | null;
  readonly pinned: boolean;
  /**
   * The snapshot this state descends from (the newest commit of its line when it was captured;
   * after a rewind, the snapshot rewound to). Following it finds a line's older snapshots
   * without those of abandoned branches. Absent before the guard existed, null for a run's first.
   */
  readonly parentId?: string | null;
}

export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly config: RunConfig;
  readonly dataset: DatasetInfo;
  readonly createdAt: number;
  /** The newest committed snapshot, or null before the first commit. */
  readonly latestSnapshotId: string | null;
}

/**
 * A tensor's bytes: in memory, or a Blob, which Chromium keeps outside the JS heap (and spills
 * to disk), so a large state can be written, stored and exported without holding it all in JS.
 */
export type TensorBytes = ArrayBuffer | Blob;

export function byteSize(bytes: TensorBytes): number {
  return bytes instanceof Blob ? bytes.size : bytes.byteLength;
}

/** A snapshot's host state plus its tensors' bytes, the unit that store and file formats move. */
export interface SnapshotPayload<D extends TensorBytes = ArrayBuffer> {
  readonly manifest: SnapshotManifest;
  /** Same order as manifest.tensors. */
  readonly data: readonly D[];
}

/** What a snapshot list and a commit event carry: a manifest without its tensors and curve. */
export interface SnapshotSummary {
  readonly id: string;
  readonly runId: string;
  readonly step: number;
  readonly epoch: number;
  readonly createdAt: number;
  readonly trigger: SnapshotTrigger;
  readonly trainLoss: number | null;
  readonly valLoss: number | null;
  readonly bytes: number;
  readonly pinned: boolean;
  readonly config: RunConfig;
  /** Rewinds the guard had made in the snapshot's line by then. */
  readonly rewinds: number;
}

export function summarize(manifest: SnapshotManifest): SnapshotSummary {
  const lastTrain = manifest.metrics.train[manifest.metrics.train.length - 1];
  return {
    id: manifest.id,
    runId: manifest.runId,
    step: manifest.step,
    epoch: manifest.cursor.epoch,
    createdAt: manifest.createdAt,
    trigger: manifest.trigger,
    trainLoss: lastTrain?.[1] ?? null,
    valLoss: manifest.valLoss,
    bytes: manifest.bytes,
    pinned: manifest.pinned,
    config: manifest.config,
    rewinds: manifest.guard?.rewinds.length ?? 0,
  };
}

/** A newer snapshot that failed verification on load and was passed over, with the reason. */
export interface SkippedSnapshot {
  readonly id: string;
  readonly step: number;
  readonly reason: string;
}
