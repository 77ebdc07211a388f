import {
  LEGACY_TEXT_MODEL,
  LEGACY_TRAINING,
  presetConfig,
  validateConfig,
  type RunConfig,
} from '../../src/shared/config';

/** The tiny runs whose golden vectors python/tests asserts (tests/fixtures/golden). */
export const GOLDEN_MLP: RunConfig = {
  model: 'mlp',
  embed: 4,
  width: 16,
  layers: 1,
  heads: 1,
  context: 3,
  batch: 8,
  lr: 0.01,
  seed: 5,
  steps: 0,
  ...LEGACY_TRAINING,
  ...LEGACY_TEXT_MODEL,
};
export const GOLDEN_TRANSFORMER: RunConfig = {
  model: 'transformer',
  embed: 8,
  width: 16,
  layers: 1,
  heads: 2,
  context: 4,
  batch: 4,
  lr: 0.01,
  seed: 6,
  steps: 0,
  ...LEGACY_TRAINING,
  ...LEGACY_TEXT_MODEL,
};

/** The guarded run (names.txt) whose rewind of a poisoned step python/tests repeats in torch. */
export const GOLDEN_GUARD: RunConfig = {
  model: 'mlp',
  embed: 8,
  width: 24,
  layers: 1,
  heads: 2,
  context: 3,
  batch: 8,
  lr: 0.01,
  seed: 3,
  steps: 0,
  ...LEGACY_TRAINING,
  ...LEGACY_TEXT_MODEL,
  schedule: 'cosine',
  warmup: 5,
  decaySteps: 60,
  minLr: 0.001,
  clip: 1,
  guard: 1,
  rewindMargin: 5,
  rewindLrFactor: 0.5,
};

/**
 * The gpt runs python/tests continues (format 4, tests/fixtures/text/mark.txt): gpt-nano's
 * settings (AdamW 0.9/0.95, weight decay 0.1, clipping at 1, the guard on) at a size the CPU
 * backend trains 200 steps of in seconds. `GOLDEN_GPT`: byte prose, paragraphs separated by blank
 * lines (vocab 257), tied head, dropout 0.1, warm-up into a constant rate. `GOLDEN_GPT_CHAR`:
 * character prose with no separator, its own head, dropout 0.2, a cosine schedule, other betas
 * and decay.
 */
export const GOLDEN_GPT: RunConfig = validateConfig({
  ...presetConfig('gpt-nano'),
  embed: 16,
  width: 64,
  layers: 2,
  heads: 2,
  context: 16,
  batch: 4,
  lr: 3e-3,
  warmup: 30,
  seed: 7,
  separator: 'blank',
  dropout: 0.1,
});
export const GOLDEN_GPT_CHAR: RunConfig = validateConfig({
  ...GOLDEN_GPT,
  tokens: 'char',
  separator: 'none',
  tie: 0,
  dropout: 0.2,
  weightDecay: 0.05,
  beta2: 0.99,
  schedule: 'cosine',
  warmup: 10,
  decaySteps: 250,
  minLr: 1e-4,
  seed: 8,
});

/** `GOLDEN_GPT` on a byte-level BPE of 600 tokens learned on the text (issue 20). */
export const GOLDEN_GPT_BPE: RunConfig = validateConfig({
  ...GOLDEN_GPT,
  tokens: 'bpe',
  vocabSize: 600,
});
