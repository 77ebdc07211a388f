import type { RunConfig } from './run-config';

/**
 * Named gpt shapes, as `?preset=` and the page's preset list. A preset fills the config; every
 * field stays editable afterwards. Parameter counts are with byte tokens and no separator
 * (vocab 256): `parameterCount` in model-spec.ts computes any config's.
 *
 * - `gpt-nano` is TinyGPT's "small" model exactly: vocab 256, d_model 96, 3 layers, 3 heads,
 *   MLP 384, context 64, batch 16, tied output, AdamW (0.9, 0.95), weight decay 0.1, clip 1.0:
 *   366,432 parameters.
 * - `gpt-micro`: d_model 256, 4 layers, 4 heads, context 128: 3,257,856 parameters.
 * - `gpt-mini`: d_model 384, 8 layers, 6 heads, context 256 (Piston's Sequence Toy's length):
 *   14,393,088 parameters; batch 4, since tfjs keeps every intermediate of the forward pass for
 *   the backward one: a step needs about 3.4 GB (batch 16 would need 12.6 GB; micro at batch 16
 *   needs 2.0 GB, nano 0.3 GB: memory-estimate.ts).
 *
 * All three: byte tokens, prose with no separator, learned positions, pre-LN, GELU, dropout 0,
 * learning rate 1e-3 after a 100-step linear warm-up (nanoGPT's Shakespeare settings), clipping
 * at 1 and the divergence guard on.
 */
export type PresetName = 'gpt-nano' | 'gpt-micro' | 'gpt-mini';
export const PRESET_NAMES: readonly PresetName[] = ['gpt-nano', 'gpt-micro', 'gpt-mini'];
/** What `?model=gpt` without a preset starts from. */
export const DEFAULT_GPT_PRESET: PresetName = 'gpt-nano';

type PresetValues = Pick<
  RunConfig,
  | 'model'
  | 'embed'
  | 'width'
  | 'layers'
  | 'heads'
  | 'context'
  | 'batch'
  | 'lr'
  | 'warmup'
  | 'clip'
  | 'tokens'
  | 'text'
  | 'separator'
  | 'weightDecay'
  | 'dropout'
  | 'tie'
  | 'beta1'
  | 'beta2'
>;

const GPT_TRAINING = {
  model: 'gpt',
  lr: 1e-3,
  warmup: 100,
  clip: 1,
  tokens: 'byte',
  text: 'prose',
  separator: 'none',
  weightDecay: 0.1,
  dropout: 0,
  tie: 1,
  beta1: 0.9,
  beta2: 0.95,
} as const;

export const PRESETS: Readonly<Record<PresetName, PresetValues>> = {
  'gpt-nano': {
    ...GPT_TRAINING,
    embed: 96,
    width: 384,
    layers: 3,
    heads: 3,
    context: 64,
    batch: 16,
  },
  'gpt-micro': {
    ...GPT_TRAINING,
    embed: 256,
    width: 1024,
    layers: 4,
    heads: 4,
    context: 128,
    batch: 16,
  },
  'gpt-mini': {
    ...GPT_TRAINING,
    embed: 384,
    width: 1536,
    layers: 8,
    heads: 6,
    context: 256,
    batch: 4,
  },
};
