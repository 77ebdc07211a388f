import { LEGACY_TRAINING, type RunConfig } from '../../src/shared/config';

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
};
