import type * as tf from '@tensorflow/tfjs';
import { causalSelfAttention, dense, gelu } from '../ops';

/**
 * The blocks the transformer and gpt share, as nanoGPT's model.py has them, on the op layer: each
 * op runs its backend's kernel where there is one and its tfjs composite otherwise. `get` reads
 * a variable by logical name under the block's prefix `b`.
 */

/**
 * Causal multi-head self-attention with biases: one `qkv` projection, each head's
 * softmax(q kᵀ / √head + causal mask) v with the heads merged (one op), projected by `proj`.
 */
export function selfAttention(
  x: tf.Tensor,
  get: (name: string) => tf.Tensor,
  b: string,
  heads: number,
): tf.Tensor {
  const qkv = dense(x, get(`${b}/attn/qkv/kernel`), get(`${b}/attn/qkv/bias`));
  const merged = causalSelfAttention(qkv, heads);
  return dense(merged, get(`${b}/attn/proj/kernel`), get(`${b}/attn/proj/bias`));
}

/** The MLP of a block: fc, GELU (tanh approximation, GPT-2's), proj. */
export function mlpBlock(x: tf.Tensor, get: (name: string) => tf.Tensor, b: string): tf.Tensor {
  const fc = gelu(dense(x, get(`${b}/mlp/fc/kernel`), get(`${b}/mlp/fc/bias`)));
  return dense(fc, get(`${b}/mlp/proj/kernel`), get(`${b}/mlp/proj/bias`));
}
