import * as tf from '@tensorflow/tfjs';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** PyTorch's default, which the Python bridge uses too. */
export const LN_EPSILON = 1e-5;

/** Layer norm in tfjs ops (biased variance through tf.moments): what every backend ran before. */
export function layerNormComposite(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(
    tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), gamma),
    beta,
  );
}

registerGradientOnce({
  kernelName: TP.layerNorm,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved) => {
    const [x, gamma, mean, rstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    const [dx, dgamma, dbeta] = runKernel(TP.layerNormGrad, { dy, x, gamma, mean, rstd });
    return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
  },
});

/**
 * Layer normalisation over the last axis, (x - mean) / √(var + ε) · gamma + beta: TpLayerNorm
 * (one kernel forward, one backward) where the backend has it, else the composite.
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  if (!hasKernel(TP.layerNorm)) return layerNormComposite(x, gamma, beta);
  const [y, mean, rstd] = runKernel(TP.layerNorm, { x, gamma, beta }, { epsilon: LN_EPSILON });
  // The tape keeps its own references to what the gradient needs.
  mean!.dispose();
  rstd!.dispose();
  return y!;
}
