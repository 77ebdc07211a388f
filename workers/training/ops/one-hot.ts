import * as tf from '@tensorflow/tfjs';

/**
 * Float one-hot rows of integer ids. tfjs's WASM OneHot kernel ignores the dtype argument and
 * writes int32 bits into a float32 tensor (1 reads as 1.4e-45), so the one-hot is made as int32,
 * which every backend writes correctly, and cast: the same 0s and 1s on every backend, so the
 * CPU backend's results are bitwise what `oneHot(..., 'float32')` gave.
 */
export function oneHotFloat(ids: tf.Tensor, depth: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.reshape(ids, [-1]), depth), 'float32')) as tf.Tensor2D;
}
