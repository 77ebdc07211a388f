import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import { byName, createVariables, denseLayer, embed, type CharModel } from './char-model';

export const LN_EPSILON = 1e-5;

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(
    tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gamma),
    beta,
  );
}

/** GELU, tanh approximation (as GPT-2); tfjs has no fused op for it. */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** A small decoder-only transformer: pre-norm blocks of causal self-attention and an MLP. */
export function createTransformer(
  config: RunConfig,
  vocabSize: number,
  prng: Prng | null,
): CharModel {
  const variables = createVariables(config, vocabSize, prng);
  const v = byName(variables);
  const get = (name: string) => v.get(name)!;
  const { embed: width, heads } = config;
  const headDim = width / heads;

  const attention = (x: tf.Tensor, b: string, rows: number, t: number, mask: tf.Tensor) => {
    const qkv = denseLayer(x, get(`${b}/attn/qkv/kernel`), get(`${b}/attn/qkv/bias`));
    const [q, k, val] = tf
      .split(qkv, 3, -1)
      .map((part) => tf.transpose(tf.reshape(part, [rows, t, heads, headDim]), [0, 2, 1, 3])) as [
      tf.Tensor4D,
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), mask);
    const mixed = tf.matMul(tf.softmax(scores), val);
    const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [rows, t, width]);
    return denseLayer(merged, get(`${b}/attn/proj/kernel`), get(`${b}/attn/proj/bias`));
  };

  const logits = (x: tf.Tensor2D): tf.Tensor =>
    tf.tidy(() => {
      const [rows, t] = x.shape;
      // Additive causal mask: 0 on and below the diagonal, a large negative number above.
      const causal = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9);
      const pos = tf.slice(get('pos_emb'), [0, 0], [t, width]);
      let h: tf.Tensor = tf.add(embed(x, get('tok_emb') as tf.Tensor2D), pos);
      for (let i = 0; i < config.layers; i++) {
        const b = `block${i}`;
        const a = layerNorm(h, get(`${b}/ln1/gamma`), get(`${b}/ln1/beta`));
        h = tf.add(h, attention(a, b, rows, t, causal));
        const m = layerNorm(h, get(`${b}/ln2/gamma`), get(`${b}/ln2/beta`));
        const fc = gelu(denseLayer(m, get(`${b}/mlp/fc/kernel`), get(`${b}/mlp/fc/bias`)));
        h = tf.add(h, denseLayer(fc, get(`${b}/mlp/proj/kernel`), get(`${b}/mlp/proj/bias`)));
      }
      h = layerNorm(h, get('ln_f/gamma'), get('ln_f/beta'));
      return denseLayer(h, get('head/kernel'), get('head/bias'));
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
