import * as tf from '@tensorflow/tfjs';

/** The global L2 norm of all gradients together: √Σ‖g‖², one scalar on the device. */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares));
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
