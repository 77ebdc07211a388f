import * as tf from '@tensorflow/tfjs';
import { globalNorm as globalNormComposite } from '../gradients';
import { hasKernel, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/**
 * √Σ‖g‖² over all gradients together, one scalar on the device: TpGlobalNorm reads every
 * gradient in one kernel; the composite squares and sums each one, then adds them.
 */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  if (!hasKernel(TP.globalNorm)) return globalNormComposite(grads);
  return runKernel(TP.globalNorm, Object.values(grads))[0] as tf.Scalar;
}
