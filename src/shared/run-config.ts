import type { TextMode, TokensKind } from './text-mode';
import { MAX_LINES_BYTES, SEPARATOR_NONE } from './text-mode';

/** The largest text of one example per line (prose takes more: see text-mode.ts). */
export const MAX_DATASET_BYTES = MAX_LINES_BYTES;

export type ModelKind = 'mlp' | 'transformer' | 'gpt';
export const MODELS: readonly ModelKind[] = ['mlp', 'transformer', 'gpt'];
/** How the learning rate moves: `constant` (after the warm-up) or cosine decay to `minLr`. */
export type ScheduleKind = 'constant' | 'cosine';
export const SCHEDULES: readonly ScheduleKind[] = ['constant', 'cosine'];
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Everything that decides a run's trajectory. Stored with the run; a resumed run keeps it. */
export interface RunConfig {
  readonly model: ModelKind;
  /** Embedding size (mlp) or model width d_model (transformer, gpt: n_embd). */
  readonly embed: number;
  /** Hidden layer width (mlp) or MLP block width (transformer, gpt: 4 × embed by default). */
  readonly width: number;
  /** Hidden layers (mlp) or transformer blocks (gpt: n_layer). */
  readonly layers: number;
  /** Attention heads (transformer, gpt: n_head; must divide embed). */
  readonly heads: number;
  /** Tokens of context the model sees (gpt: block_size). */
  readonly context: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  /** Stop after this many steps; 0 trains until paused. */
  readonly steps: number;
  readonly schedule: ScheduleKind;
  /** Steps of linear warm-up from lr/warmup to lr; 0 none. */
  readonly warmup: number;
  /** The step at which the cosine decay reaches minLr; 0: the step budget. */
  readonly decaySteps: number;
  readonly minLr: number;
  /** Clip the gradient to this global norm; 0 never. */
  readonly clip: number;
  /** The divergence guard: 1 on, 0 off. */
  readonly guard: number;
  /** A loss above spikeFactor × the mean of the last spikeWindow losses is a spike. */
  readonly spikeFactor: number;
  readonly spikeWindow: number;
  /** Steps of the run before the loss ratio is judged (a non-finite step is always a spike). */
  readonly guardWarmup: number;
  /** A rewind goes to a snapshot at least this many steps before the spike. */
  readonly rewindMargin: number;
  /** Each rewind multiplies the learning rate by this factor. */
  readonly rewindLrFactor: number;
  /** Three rewinds whose spikes lie within this many steps pause the run. */
  readonly rewindWindow: number;
  /** One token per character or per UTF-8 byte, or a byte-level BPE learned on the text. */
  readonly tokens: TokensKind;
  /** One example per line, or the text as one stream of windows. */
  readonly text: TextMode;
  /** Prose only: `none`, `blank` or a literal that ends each document (text-mode.ts). */
  readonly separator: string;
  /** AdamW's decoupled weight decay on matrices and embeddings; 0 is plain Adam. */
  readonly weightDecay: number;
  /** gpt only: the dropout probability; its masks come from the run's seed. */
  readonly dropout: number;
  /** gpt only: 1 ties the output layer to the token embedding, 0 gives it its own matrix. */
  readonly tie: number;
  readonly beta1: number;
  readonly beta2: number;
  /**
   * tokens=bpe only (issue 20): the BPE's vocabulary, its 256 bytes and merges (a separator
   * token comes on top). Absent for other tokens, so their configs are written as before.
   */
  readonly vocabSize?: number;
  /**
   * `shards` (issue 20, off by default): a prose run's text is tokenized, streamed, into token
   * shards in the origin private file system and trained from there, never held whole. Absent
   * for a run on text in memory, so every other config is written as before.
   */
  readonly corpus?: CorpusKind;
}

/** Where a run's tokens live when not in memory: token shards (workers/corpus). */
export type CorpusKind = 'shards';
export const CORPUS_KINDS: readonly CorpusKind[] = ['shards'];

/** The keys a config gained with the divergence guard (issue 11). */
export type TrainingKey =
  | 'schedule'
  | 'warmup'
  | 'decaySteps'
  | 'minLr'
  | 'clip'
  | 'guard'
  | 'spikeFactor'
  | 'spikeWindow'
  | 'guardWarmup'
  | 'rewindMargin'
  | 'rewindLrFactor'
  | 'rewindWindow';

/** The keys a config gained with text modes, byte tokens, gpt and AdamW (issue 18). */
export type TextModelKey =
  'tokens' | 'text' | 'separator' | 'weightDecay' | 'dropout' | 'tie' | 'beta1' | 'beta2';

/**
 * When the snapshot timer fires: every `seconds`, or automatically by Young's formula from the
 * measured snapshot cost and the expected time between interruptions.
 */
export type SnapshotPolicy =
  | { readonly kind: 'fixed'; readonly seconds: number }
  | { readonly kind: 'auto'; readonly mtbiSeconds: number };

export interface SnapshotIntervalInfo {
  readonly mode: SnapshotPolicy['kind'];
  readonly seconds: number;
  /** Smoothed capture-to-commit time of recent snapshots; null before the first. */
  readonly costMs: number | null;
  readonly mtbiSeconds: number | null;
}

/** Settings of the page and its snapshots, not of the trajectory. */
export interface SessionSettings {
  readonly backend: BackendName | null;
  readonly snapshot: SnapshotPolicy;
}

/**
 * A config stored before these keys existed trains as it always did: constant rate, no
 * clipping, no guard. Absent keys take these values wherever a config is read.
 */
export const LEGACY_TRAINING: Pick<RunConfig, TrainingKey> = {
  schedule: 'constant',
  warmup: 0,
  decaySteps: 0,
  minLr: 0,
  clip: 0,
  guard: 0,
  spikeFactor: 3,
  spikeWindow: 10,
  guardWarmup: 1,
  rewindMargin: 20,
  rewindLrFactor: 1,
  rewindWindow: 500,
};

/**
 * A config stored before issue 18 trains as it did: characters, one example per line, plain
 * Adam with tfjs's betas, no dropout, an untied output layer.
 */
export const LEGACY_TEXT_MODEL: Pick<RunConfig, TextModelKey> = {
  tokens: 'char',
  text: 'lines',
  separator: SEPARATOR_NONE,
  weightDecay: 0,
  dropout: 0,
  tie: 0,
  beta1: 0.9,
  beta2: 0.999,
};

export const DEFAULT_CONFIG: RunConfig = {
  model: 'mlp',
  embed: 16,
  width: 128,
  layers: 1,
  heads: 2,
  context: 4,
  batch: 32,
  lr: 0.003,
  seed: 1,
  steps: 0,
  // The guard's defaults (see README, "When the loss explodes"): k = 3 and a window of 10 are
  // Lightning SpikeDetection's (rtol 2 over a running mean of 10, warm-up 1 batch).
  ...LEGACY_TRAINING,
  guard: 1,
  ...LEGACY_TEXT_MODEL,
};

export const DEFAULT_SETTINGS: SessionSettings = {
  backend: null,
  snapshot: { kind: 'auto', mtbiSeconds: 3600 },
};

type LegacyKeys = Pick<RunConfig, TrainingKey | TextModelKey>;

/**
 * A config from before a key existed (a stored run, an older checkpoint file) keeps the
 * behaviour it had: each absent key takes its LEGACY_TRAINING (issue 11) or LEGACY_TEXT_MODEL
 * (issue 18) value.
 */
export function withLegacyKeys<T extends object>(raw: T): T & LegacyKeys {
  const out = { ...raw } as Record<string, unknown>;
  for (const [key, value] of Object.entries({ ...LEGACY_TRAINING, ...LEGACY_TEXT_MODEL })) {
    if (!(key in out)) out[key] = value;
  }
  return out as T & LegacyKeys;
}

/** The name page code imports: it fills every legacy key, not only the training ones. */
export const withLegacyTraining = withLegacyKeys;
