import * as tf from '@tensorflow/tfjs';
import { decays } from '../../src/shared/model-spec';

/**
 * AdamW's decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW applies it: before
 * the Adam update, every decayed parameter p becomes p · (1 − lr · weightDecay), the factor
 * rounded to float32 as torch multiplies by it; then Adam's update, which reads only its moments
 * and the gradient, is added to the decayed value. Matrices and embeddings decay; biases and
 * layer norms do not (model-spec.ts `decays`). With weightDecay 0 nothing is touched, so such a
 * run is plain Adam bit for bit. The op layer's adamStep calls this on backends without TpAdam;
 * TpAdam multiplies by the same float32 factor inside its one pass.
 */
export function applyWeightDecay(
  variables: readonly tf.Variable[],
  learningRate: number,
  weightDecay: number,
  decaying: (variable: tf.Variable) => boolean = decays,
): void {
  if (weightDecay === 0) return;
  tf.tidy(() => {
    const factor = tf.scalar(decayFactor(learningRate, weightDecay));
    for (const v of variables) if (decaying(v)) v.assign(tf.mul(v, factor));
  });
}

/** The factor a decayed parameter is multiplied by (rounded to float32 where it is used). */
export function decayFactor(learningRate: number, weightDecay: number): number {
  return 1 - learningRate * weightDecay;
}
