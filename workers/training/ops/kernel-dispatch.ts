import * as tf from '@tensorflow/tfjs';
import type { TpKernelName } from './kernel-names';

/**
 * Whether the backend running now registered `name`. An op takes its kernel when it is there and
 * its composite of tfjs ops otherwise; the two round differently, so which one ran is part of
 * what a snapshot records (kernel-set.ts).
 */
export function hasKernel(name: TpKernelName): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Registers a gradient once per process (tfjs warns when one is registered again). */
export function registerGradientOnce(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}

/** The tensors a multi-output kernel returns. */
export function runKernel(
  name: TpKernelName,
  inputs: tf.NamedTensorMap | tf.Tensor[],
  attrs: object = {},
): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}
