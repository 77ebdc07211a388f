import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from './models/one-hot';

/**
 * Mean cross-entropy of integer targets. With a mask, positions weighted 0 do not count, and
 * the mean is over the positions that do.
 */
export function crossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor | null,
): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[logits.shape.length - 1]!;
    const flatLogits = tf.reshape(logits, [-1, vocab]);
    const onehot = oneHotFloat(targets, vocab);
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(flatLogits), onehot), -1));
    if (mask === null) return tf.mean(nll);
    const weights = tf.reshape(mask, [-1]);
    return tf.div(tf.sum(tf.mul(nll, weights)), tf.maximum(tf.sum(weights), 1));
  }) as tf.Scalar;
}
