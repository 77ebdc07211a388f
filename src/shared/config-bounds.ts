import type { ModelKind, RunConfig, TextModelKey } from './run-config';

export interface Bound {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** The numeric keys the page's form shows, with their bounds (for every model but gpt). */
export const CONFIG_BOUNDS: Record<
  Exclude<keyof RunConfig, 'model' | 'schedule' | TextModelKey | 'vocabSize' | 'corpus'>,
  Bound
> = {
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

/** gpt is built for deeper and longer models than the small mlp and transformer. */
export const GPT_BOUNDS: Partial<Record<(typeof CONFIG_KEYS)[number], Bound>> = {
  layers: { min: 1, max: 48, integer: true },
  context: { min: 1, max: 2048, integer: true },
};

/** The numeric keys of issue 18 (tokens, text and separator are strings). */
export const TEXT_MODEL_BOUNDS: Record<
  Exclude<TextModelKey, 'tokens' | 'text' | 'separator'>,
  Bound
> = {
  weightDecay: { min: 0, max: 1, integer: false },
  dropout: { min: 0, max: 0.9, integer: false },
  tie: { min: 0, max: 1, integer: true },
  beta1: { min: 0, max: 0.9999, integer: false },
  beta2: { min: 0, max: 0.99999, integer: false },
};

/** Every numeric key, in the order a config is written (JSON, the URL). */
export const NUMERIC_KEYS = [
  ...CONFIG_KEYS,
  ...(Object.keys(TEXT_MODEL_BOUNDS) as (keyof typeof TEXT_MODEL_BOUNDS)[]),
];
/** The keys whose values are words. */
export const WORD_KEYS = ['model', 'schedule', 'tokens', 'text', 'separator'] as const;

export function boundOf(model: ModelKind, key: (typeof NUMERIC_KEYS)[number]): Bound {
  if (key in TEXT_MODEL_BOUNDS) return TEXT_MODEL_BOUNDS[key as keyof typeof TEXT_MODEL_BOUNDS];
  const plain = key as (typeof CONFIG_KEYS)[number];
  return (model === 'gpt' ? GPT_BOUNDS[plain] : undefined) ?? CONFIG_BOUNDS[plain];
}
