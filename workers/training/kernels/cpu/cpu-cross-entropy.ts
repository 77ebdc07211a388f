import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { badTarget, crossEntropyDims, requireDtype } from '../kernel-checks';
import { expInPlace } from './cpu-exp';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { crossEntropyGradJob } from './cpu-pool-jobs';
import { runJob } from './cpu-threads';

// Softmax cross-entropy in one pass a row: each row's Σ exp in a double, index order; the loss
// and the weights summed over rows in a double, row order. The gradient's rows (cpu-loss-rows.ts)
// run on the CPU pool's threads where the training worker started one.

type Inputs = Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;

/** Outputs: the loss (a scalar) and each row's log-sum-exp [rows], which the gradient reuses. */
function crossEntropyForward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const inputs = args.inputs as Inputs;
  requireDtype(TP.softmaxCrossEntropy, 'logits', inputs.logits, 'float32');
  requireDtype(TP.softmaxCrossEntropy, 'targets', inputs.targets, 'int32');
  requireDtype(TP.softmaxCrossEntropy, 'weights', inputs.weights, 'float32');
  const { rows, vocab } = crossEntropyDims(inputs);
  const x = call.floats(inputs.logits);
  const targets = call.ints(inputs.targets);
  const weights = call.floats(inputs.weights);
  const lse = new Float32Array(rows);
  const shifted = new Float64Array(vocab);
  let loss = 0;
  let weightSum = 0;
  for (let r = 0; r < rows; r++) {
    const target = targets[r]!;
    if (!(target >= 0 && target < vocab)) throw badTarget(r, vocab);
    const o = r * vocab;
    let max = -Infinity;
    for (let j = 0; j < vocab; j++) if (x[o + j]! > max) max = x[o + j]!;
    for (let j = 0; j < vocab; j++) shifted[j] = x[o + j]! - max;
    expInPlace(shifted, vocab);
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += shifted[j]!;
    const rowLse = max + Math.log(sum);
    lse[r] = rowLse;
    loss += weights[r]! * (rowLse - x[o + target]!);
    weightSum += weights[r]!;
  }
  const mean = Float32Array.of(loss / Math.max(weightSum, 1));
  return [call.output([], mean), call.output([rows], lse)];
}

/** Output: dlogits (the logits' shape). */
function crossEntropyBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const inputs = args.inputs as Inputs & Record<'dloss' | 'lse', tf.TensorInfo>;
  const { rows, vocab } = crossEntropyDims(inputs);
  const x = call.floats(inputs.logits);
  const targets = call.ints(inputs.targets);
  const weights = call.floats(inputs.weights);
  let weightSum = 0;
  for (let r = 0; r < rows; r++) weightSum += weights[r]!;
  const factor = call.floats(inputs.dloss)[0]! / Math.max(weightSum, 1);
  const lse = call.floats(inputs.lse);
  const [dx] = runJob(crossEntropyGradJob([x, targets, weights, lse], vocab, factor));
  return call.output(inputs.logits.shape, dx!);
}

export const CPU_CROSS_ENTROPY_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.softmaxCrossEntropy, backendName: 'cpu', kernelFunc: crossEntropyForward },
  { kernelName: TP.softmaxCrossEntropyGrad, backendName: 'cpu', kernelFunc: crossEntropyBackward },
];
