import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import type { CharModel } from './char-model';
import { createGpt } from './gpt';
import { createMlp } from './mlp';
import { createTransformer } from './transformer';

export type { CharModel, DropoutMasks, NamedVariable } from './char-model';

/** Builds a model; with a PRNG its variables are initialised from it, else zeros (for restore). */
export function createModel(config: RunConfig, vocabSize: number, prng: Prng | null): CharModel {
  switch (config.model) {
    case 'mlp':
      return createMlp(config, vocabSize, prng);
    case 'transformer':
      return createTransformer(config, vocabSize, prng);
    case 'gpt':
      return createGpt(config, vocabSize, prng);
  }
}
