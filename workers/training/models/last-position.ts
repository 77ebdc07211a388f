import * as tf from '@tensorflow/tfjs';

/** The logits of each row's last position, [rows, vocab], from [rows, t, vocab]. */
export function lastPosition(all: tf.Tensor): tf.Tensor2D {
  const [rows, t, vocab] = all.shape as [number, number, number];
  return tf.reshape(tf.slice(all, [0, t - 1, 0], [rows, 1, vocab]), [rows, vocab]);
}
