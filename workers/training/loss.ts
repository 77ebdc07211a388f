import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from './ops';

/**
 * Mean cross-entropy of integer targets. With a mask, positions weighted 0 do not count, and
 * the mean is over the positions that do.
 */
export function crossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor | null,
): tf.Scalar {
  return tf.tidy(() => softmaxCrossEntropy(logits, targets, mask));
}
