import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import { causalSelfAttention, dense, embedTokens, gelu, layerNorm } from '../ops';
import { byName, createVariables, type CharModel } from './char-model';

/** A small decoder-only transformer: pre-norm blocks of causal self-attention and an MLP. */
export function createTransformer(
  config: RunConfig,
  vocabSize: number,
  prng: Prng | null,
): CharModel {
  const variables = createVariables(config, vocabSize, prng);
  const v = byName(variables);
  const get = (name: string) => v.get(name)!;
  const linear = (x: tf.Tensor, prefix: string) =>
    dense(x, get(`${prefix}/kernel`), get(`${prefix}/bias`));

  const logits = (x: tf.Tensor2D): tf.Tensor =>
    tf.tidy(() => {
      const tokens = get('tok_emb') as tf.Tensor2D;
      let h = embedTokens(x, tokens, get('pos_emb') as tf.Tensor2D);
      for (let i = 0; i < config.layers; i++) {
        const b = `block${i}`;
        const a = layerNorm(h, get(`${b}/ln1/gamma`), get(`${b}/ln1/beta`));
        const attention = causalSelfAttention(linear(a, `${b}/attn/qkv`), config.heads);
        h = tf.add(h, linear(attention, `${b}/attn/proj`));
        const m = layerNorm(h, get(`${b}/ln2/gamma`), get(`${b}/ln2/beta`));
        h = tf.add(h, linear(gelu(linear(m, `${b}/mlp/fc`)), `${b}/mlp/proj`));
      }
      h = layerNorm(h, get('ln_f/gamma'), get('ln_f/beta'));
      return linear(h, 'head');
    });

  return {
    config,
    vocabSize,
    variables,
    logits,
    nextLogits: (x) =>
      tf.tidy(() => {
        const all = logits(x);
        const [rows, t, vocab] = all.shape as [number, number, number];
        return tf.reshape(tf.slice(all, [0, t - 1, 0], [rows, 1, vocab]), [rows, vocab]);
      }),
    dispose: () => variables.forEach((n) => n.variable.dispose()),
  };
}
