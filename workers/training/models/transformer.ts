import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import { dense, embedTokens, layerNorm } from '../ops';
import { byName, createVariables, type CharModel } from './char-model';
import { allPositionsModel } from './last-position';
import { mlpBlock, selfAttention } from './transformer-blocks';

/** A small decoder-only transformer: pre-norm blocks of causal self-attention and an MLP. */
export function createTransformer(
  config: RunConfig,
  vocabSize: number,
  prng: Prng | null,
): CharModel {
  const variables = createVariables(config, vocabSize, prng);
  const v = byName(variables);
  const get = (name: string) => v.get(name)!;

  const logits = (x: tf.Tensor2D): tf.Tensor =>
    tf.tidy(() => {
      const tokens = get('tok_emb') as tf.Tensor2D;
      let h = embedTokens(x, tokens, get('pos_emb') as tf.Tensor2D);
      for (let i = 0; i < config.layers; i++) {
        const b = `block${i}`;
        const a = layerNorm(h, get(`${b}/ln1/gamma`), get(`${b}/ln1/beta`));
        h = tf.add(h, selfAttention(a, get, b, config.heads));
        const m = layerNorm(h, get(`${b}/ln2/gamma`), get(`${b}/ln2/beta`));
        h = tf.add(h, mlpBlock(m, get, b));
      }
      h = layerNorm(h, get('ln_f/gamma'), get('ln_f/beta'));
      return dense(h, get('head/kernel'), get('head/bias'));
    });

  return allPositionsModel(config, vocabSize, variables, logits);
}
