import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from './one-hot';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** The loss in tfjs ops: log-softmax, one-hot targets, the (masked) mean. */
function crossEntropyComposite(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor | null,
): tf.Scalar {
  const vocab = logits.shape[logits.shape.length - 1]!;
  const flatLogits = tf.reshape(logits, [-1, vocab]);
  const onehot = oneHotFloat(targets, vocab);
  const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(flatLogits), onehot), -1));
  if (mask === null) return tf.mean(nll);
  const weights = tf.reshape(mask, [-1]);
  return tf.div(tf.sum(tf.mul(nll, weights)), tf.maximum(tf.sum(weights), 1));
}

registerGradientOnce({
  kernelName: TP.softmaxCrossEntropy,
  inputsToSave: ['logits', 'targets', 'weights'],
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const dloss = Array.isArray(dys) ? dys[0]! : dys;
    const [logits, targets, weights, lse] = saved as tf.Tensor[];
    const inputs = { dloss, logits: logits!, targets: targets!, weights: weights!, lse: lse! };
    return { logits: () => runKernel(TP.softmaxCrossEntropyGrad, inputs)[0]! };
  },
});

/**
 * Mean cross-entropy of integer targets under softmax over the last axis of `logits`. With a
 * mask (weights of the targets' shape), positions weighted 0 do not count and the mean is over
 * the weights' sum (at least 1). TpSoftmaxCrossEntropy: one kernel forward, one backward.
 * A target outside [0, vocab) is a KernelInputError there (the composite's one-hot would make
 * it a zero row and a wrong loss).
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor,
  targets: tf.Tensor,
  mask: tf.Tensor | null,
): tf.Scalar {
  if (!hasKernel(TP.softmaxCrossEntropy)) return crossEntropyComposite(logits, targets, mask);
  // Weights of 1 give the plain mean: Σ nll / max(N, 1) = Σ nll / N, the same bits.
  const weights = mask ?? tf.ones(targets.shape);
  const [loss, lse] = runKernel(TP.softmaxCrossEntropy, { logits, targets, weights });
  if (mask === null) weights.dispose();
  lse!.dispose();
  return loss as tf.Scalar;
}
