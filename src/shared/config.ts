import { ConfigError } from './errors';

/** The largest training text accepted, page and worker alike. */
export const MAX_DATASET_BYTES = 10 * 1024 * 1024;

export type ModelKind = 'mlp' | 'transformer';
/** How the learning rate moves: `constant` (after the warm-up) or cosine decay to `minLr`. */
export type ScheduleKind = 'constant' | 'cosine';
export const SCHEDULES: readonly ScheduleKind[] = ['constant', 'cosine'];
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Everything that decides a run's trajectory. Stored with the run; a resumed run keeps it. */
export interface RunConfig {
  readonly model: ModelKind;
  /** Embedding size (mlp) or model width d_model (transformer). */
  readonly embed: number;
  /** Hidden layer width (mlp) or MLP block width (transformer). */
  readonly width: number;
  /** Hidden layers (mlp) or transformer blocks. */
  readonly layers: number;
  /** Attention heads (transformer only; must divide embed). */
  readonly heads: number;
  /** Characters of context the model sees. */
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
}

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
};

export const DEFAULT_SETTINGS: SessionSettings = {
  backend: null,
  snapshot: { kind: 'auto', mtbiSeconds: 3600 },
};

/** Checks a snapshot policy's numbers; the page's form and the URL both go through it. */
export function validatePolicy(policy: SnapshotPolicy): SnapshotPolicy {
  if (policy.kind === 'fixed') {
    const s = policy.seconds;
    if (!Number.isFinite(s) || s < 1 || s > 3600) {
      throw new ConfigError(`The snapshot interval must be between 1 and 3600 seconds, got ${s}.`);
    }
  } else {
    const m = policy.mtbiSeconds;
    if (!Number.isFinite(m) || m < 10 || m > 30 * 86400) {
      throw new ConfigError(
        `The expected time between interruptions must be between 10 s and 30 days, got ${m} s.`,
      );
    }
  }
  return policy;
}

interface Bound {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export const CONFIG_BOUNDS: Record<Exclude<keyof RunConfig, 'model' | 'schedule'>, Bound> = {
  embed: { min: 2, max: 1024, integer: true },
  width: { min: 2, max: 4096, integer: true },
  layers: { min: 1, max: 4, integer: true },
  heads: { min: 1, max: 16, integer: true },
  context: { min: 1, max: 64, integer: true },
  batch: { min: 1, max: 4096, integer: true },
  lr: { min: 1e-6, max: 10, integer: false },
  seed: { min: 0, max: 0xffffffff, integer: true },
  steps: { min: 0, max: 1e9, integer: true },
  warmup: { min: 0, max: 1e9, integer: true },
  decaySteps: { min: 0, max: 1e9, integer: true },
  minLr: { min: 0, max: 10, integer: false },
  clip: { min: 0, max: 1e6, integer: false },
  guard: { min: 0, max: 1, integer: true },
  spikeFactor: { min: 1.1, max: 1e6, integer: false },
  spikeWindow: { min: 1, max: 1000, integer: true },
  guardWarmup: { min: 1, max: 1e9, integer: true },
  rewindMargin: { min: 1, max: 1e6, integer: true },
  rewindLrFactor: { min: 0.01, max: 1, integer: false },
  rewindWindow: { min: 1, max: 1e9, integer: true },
};

export const CONFIG_KEYS = Object.keys(CONFIG_BOUNDS) as (keyof typeof CONFIG_BOUNDS)[];

/** Checks every field and returns a clean copy; throws ConfigError naming the bad field. */
export function validateConfig(input: unknown): RunConfig {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('The run config must be an object.');
  }
  const raw = withLegacyTraining(input as Record<string, unknown>);
  const model = raw['model'];
  if (model !== 'mlp' && model !== 'transformer') {
    throw new ConfigError(`Unknown model "${String(model)}": choose mlp or transformer.`);
  }
  const schedule = raw['schedule'];
  if (!SCHEDULES.includes(schedule as ScheduleKind)) {
    throw new ConfigError(`Unknown schedule "${String(schedule)}": choose constant or cosine.`);
  }
  const out: Record<string, unknown> = { model, schedule };
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    const { min, max, integer } = CONFIG_BOUNDS[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ConfigError(`Config "${key}" must be a number, got ${JSON.stringify(value)}.`);
    }
    if (integer && !Number.isInteger(value)) {
      throw new ConfigError(`Config "${key}" must be a whole number, got ${value}.`);
    }
    if (value < min || value > max) {
      throw new ConfigError(`Config "${key}" must be between ${min} and ${max}, got ${value}.`);
    }
    out[key] = value;
  }
  const config = out as unknown as RunConfig;
  if (config.model === 'transformer' && config.embed % config.heads !== 0) {
    throw new ConfigError(
      `The transformer's embed (${config.embed}) must be a multiple of heads (${config.heads}).`,
    );
  }
  checkSchedule(config);
  return config;
}

function checkSchedule(config: RunConfig): void {
  if (config.minLr > config.lr) {
    throw new ConfigError(
      `Config "minLr" (${config.minLr}) must not exceed the learning rate (${config.lr}).`,
    );
  }
  if (config.schedule !== 'cosine') return;
  const end = config.decaySteps > 0 ? config.decaySteps : config.steps;
  if (end === 0) {
    throw new ConfigError(
      'The cosine schedule needs an end: set "decaySteps" or a step budget ("steps").',
    );
  }
  if (end <= config.warmup) {
    throw new ConfigError(
      `Config "decaySteps" (or the step budget, ${end}) must be after the warm-up of ${config.warmup} steps.`,
    );
  }
}

/**
 * A config from before the schedule and the guard existed (a stored run, a format-2 file) keeps
 * today's behaviour: each absent key takes its LEGACY_TRAINING value.
 */
export function withLegacyTraining<T extends object>(raw: T): T & Pick<RunConfig, TrainingKey> {
  const out = { ...raw } as Record<string, unknown>;
  for (const [key, value] of Object.entries(LEGACY_TRAINING)) {
    if (!(key in out)) out[key] = value;
  }
  return out as T & Pick<RunConfig, TrainingKey>;
}

/** Reads a run config and session settings from URL parameters over the defaults. */
export function configFromParams(params: URLSearchParams): {
  config: RunConfig;
  settings: SessionSettings;
} {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const key of ['model', 'schedule'] as const) {
    const text = params.get(key);
    if (text !== null) merged[key] = text;
  }
  for (const key of CONFIG_KEYS) {
    const text = params.get(key);
    if (text !== null) merged[key] = text.trim() === '' ? NaN : Number(text);
  }
  const backend = params.get('backend');
  if (backend !== null && !BACKENDS.includes(backend as BackendName)) {
    throw new ConfigError(`Unknown backend "${backend}": use webgpu, webgl, wasm or cpu.`);
  }
  const fixed = params.get('snapshotSeconds');
  const mtbi = params.get('mtbiSeconds');
  const snapshot = validatePolicy(
    fixed !== null
      ? { kind: 'fixed', seconds: Number(fixed) }
      : mtbi !== null
        ? { kind: 'auto', mtbiSeconds: Number(mtbi) }
        : DEFAULT_SETTINGS.snapshot,
  );
  return {
    config: validateConfig(merged),
    settings: { backend: (backend as BackendName | null) ?? null, snapshot },
  };
}

export function configToParams(config: RunConfig): URLSearchParams {
  const params = new URLSearchParams({ model: config.model, schedule: config.schedule });
  for (const key of CONFIG_KEYS) params.set(key, String(config[key]));
  return params;
}
