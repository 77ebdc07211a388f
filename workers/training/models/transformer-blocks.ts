import * as tf from '@tensorflow/tfjs';
import { denseLayer } from './char-model';

/** The parts the transformer and gpt share, as nanoGPT's model.py has them. */

export const LN_EPSILON = 1e-5;

/** Layer norm over the last axis, with scale and bias; biased variance, eps 1e-5 (PyTorch's). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(
    tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gamma),
    beta,
  );
}

/** GELU, tanh approximation (as GPT-2; torch's `GELU(approximate='tanh')`); tfjs has no op for it. */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Additive causal mask [t, t]: 0 on and below the diagonal, a large negative number above. */
export function causalMask(t: number): tf.Tensor {
  return tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9);
}

/**
 * Causal multi-head self-attention with biases: one `qkv` projection split into q, k, v, each
 * head's softmax(q kᵀ / √head) v, heads merged and projected by `proj`. `get` reads a variable
 * by logical name under the block's prefix `b`.
 */
export function selfAttention(
  x: tf.Tensor,
  get: (name: string) => tf.Tensor,
  b: string,
  heads: number,
  mask: tf.Tensor,
): tf.Tensor {
  const [rows, t, width] = x.shape as [number, number, number];
  const headDim = width / heads;
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
}

/** The MLP of a block: fc, GELU, proj. */
export function mlpBlock(x: tf.Tensor, get: (name: string) => tf.Tensor, b: string): tf.Tensor {
  const fc = gelu(denseLayer(x, get(`${b}/mlp/fc/kernel`), get(`${b}/mlp/fc/bias`)));
  return denseLayer(fc, get(`${b}/mlp/proj/kernel`), get(`${b}/mlp/proj/bias`));
}
