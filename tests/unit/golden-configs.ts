import { LEGACY_TEXT_MODEL, LEGACY_TRAINING, type RunConfig } from '../../src/shared/config';

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
