import * as tf from '@tensorflow/tfjs';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** GELU, tanh approximation (as GPT-2), in tfjs ops: tfjs has no op for it. */
export function geluComposite(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

registerGradientOnce({
  kernelName: TP.gelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => runKernel(TP.geluGrad, { dy: dy as tf.Tensor, x })[0]! };
  },
});

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): TpGelu where the backend has it. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return hasKernel(TP.gelu) ? runKernel(TP.gelu, { x })[0]! : geluComposite(x);
}
