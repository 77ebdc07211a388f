import { NUMERIC_KEYS } from '../shared/config';

/** A numeric key of the run config, as the form shows it. */
export type NumericKey = (typeof NUMERIC_KEYS)[number];

/** Where a field stands in the form: the model, AdamW and dropout, or the foldable group. */
export type FieldGroup = 'model' | 'optimizer' | 'training';

export interface FieldText {
  readonly label: string;
  readonly group: FieldGroup;
  readonly hint?: string;
}

/** Every numeric field's label, group and hint, in the order a config is written. */
export const FIELDS: Record<NumericKey, FieldText> = {
  embed: { label: 'Embedding size', group: 'model', hint: 'gpt: d_model' },
  width: { label: 'Width', group: 'model', hint: 'gpt: MLP width, 4 × embed by default' },
  layers: { label: 'Layers', group: 'model' },
  heads: {
    label: 'Heads',
    group: 'model',
    hint: 'transformer and gpt; must divide the embedding size',
  },
  context: { label: 'Context', group: 'model' },
  batch: { label: 'Batch size', group: 'model' },
  lr: { label: 'Learning rate', group: 'model' },
  seed: { label: 'Seed', group: 'model' },
  steps: { label: 'Step budget', group: 'model', hint: '0 trains until paused' },
  warmup: { label: 'Warm-up steps', group: 'training' },
  decaySteps: {
    label: 'Decay ends at step',
    group: 'training',
    hint: 'cosine only; 0: the step budget',
  },
  minLr: { label: 'Minimum learning rate', group: 'training' },
  clip: { label: 'Clip gradient norm', group: 'training', hint: '0 never' },
  guard: { label: 'Divergence guard (1 on, 0 off)', group: 'training' },
  spikeFactor: { label: 'Spike: loss above k × mean', group: 'training' },
  spikeWindow: { label: 'Spike: mean of last n losses', group: 'training' },
  guardWarmup: { label: 'Guard warm-up steps', group: 'training' },
  rewindMargin: { label: 'Rewind at least n steps back', group: 'training' },
  rewindLrFactor: { label: 'Learning rate × per rewind', group: 'training' },
  rewindWindow: { label: '3 rewinds within n steps stop', group: 'training' },
  weightDecay: {
    label: 'Weight decay',
    group: 'optimizer',
    hint: 'AdamW, on matrices and embeddings; 0: plain Adam',
  },
  dropout: { label: 'Dropout', group: 'optimizer', hint: 'gpt only' },
  tie: {
    label: 'Tied output (1 tied, 0 own matrix)',
    group: 'optimizer',
    hint: 'gpt only: the output layer is the token embedding',
  },
  beta1: { label: 'Adam β1', group: 'optimizer' },
  beta2: { label: 'Adam β2', group: 'optimizer' },
};

/** Fields that apply to gpt alone: inactive for the other models, which read them as 0. */
export const GPT_ONLY: ReadonlySet<NumericKey> = new Set(['dropout', 'tie']);
