import * as tf from '@tensorflow/tfjs';

/**
 * The most tensors one addN takes. tfjs's WebGPU AddN binds every input and the output as a
 * storage buffer of one shader, and WebGPU allows 8 a stage unless the device asks for more
 * (tfjs does not); with more, the pipeline fails validation and its whole command buffer is
 * dropped with only a console warning: the norm and the tensors computed beside it keep whatever
 * their pooled buffers held (gpt-nano's 40 gradients: a norm of 0, every update wrong, and in
 * the bench a NaN loss at step 2). Its Concat splits its inputs at the limit; its AddN does not.
 */
export const ADD_N_MAX_INPUTS = 7;

/**
 * Σ of same-shaped tensors left to right, in addN calls of at most ADD_N_MAX_INPUTS, each taking
 * the sum so far first. Every backend's AddN adds its inputs in order into one float32 value, so
 * this is the same sequence of roundings as a single addN of them all: the same bits.
 */
export function addMany(tensors: readonly tf.Tensor[]): tf.Tensor {
  let sum = tensors.length === 1 ? tensors[0]! : tf.addN(tensors.slice(0, ADD_N_MAX_INPUTS));
  for (let i = ADD_N_MAX_INPUTS; i < tensors.length; i += ADD_N_MAX_INPUTS - 1) {
    sum = tf.addN([sum, ...tensors.slice(i, i + ADD_N_MAX_INPUTS - 1)]);
  }
  return sum;
}

/** The global L2 norm of all gradients together: √Σ‖g‖², one scalar on the device. */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(addMany(squares));
  }) as tf.Scalar;
}

/**
 * Scales every gradient by clip / max(norm, clip), as torch.nn.utils.clip_grad_norm_ does
 * (without its 1e-6: here a norm below the threshold gives a factor of exactly 1, and x·1 = x, so
 * small gradients stay bit for bit what they were). A non-finite norm gives non-finite
 * gradients, which the divergence guard catches.
 */
export function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  norm: tf.Scalar,
  clip: number,
): tf.NamedTensorMap {
  return tf.tidy(() => {
    const threshold = tf.scalar(clip);
    const factor = tf.div(threshold, tf.maximum(norm, threshold));
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, factor);
    return out;
  });
}
