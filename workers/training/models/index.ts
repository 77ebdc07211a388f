import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import type { CharModel } from './char-model';
import { createMlp } from './mlp';
import { createTransformer } from './transformer';

export type { CharModel, NamedVariable } from './char-model';

/** Builds a model; with a PRNG its variables are initialised from it, else zeros (for restore). */
export function createModel(config: RunConfig, vocabSize: number, prng: Prng | null): CharModel {
  return config.model === 'mlp'
    ? createMlp(config, vocabSize, prng)
    : createTransformer(config, vocabSize, prng);
}
