import type * as tf from '@tensorflow/tfjs';
import { badTarget, crossEntropyDims } from './kernel-checks';
import { TP } from '../ops/kernel-names';
import { requireDtype, wasmCall, type KernelArgs } from './wasm-kernel-args';

type Inputs = Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;

/** Outputs: the loss (a scalar) and each row's log-sum-exp [rows], which the gradient reuses. */
function crossEntropyForward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const inputs = args.inputs as Inputs;
  requireDtype(TP.softmaxCrossEntropy, 'logits', inputs.logits, 'float32');
  requireDtype(TP.softmaxCrossEntropy, 'targets', inputs.targets, 'int32');
  requireDtype(TP.softmaxCrossEntropy, 'weights', inputs.weights, 'float32');
  const { rows, vocab } = crossEntropyDims(inputs);
  const [loss, lse] = [call.output([]), call.output([rows])];
  const { at } = call;
  const { logits, targets, weights } = inputs;
  const bad = call.kernels.crossEntropyForward(
    at(logits),
    at(targets),
    at(weights),
    at(loss),
    at(lse),
    rows,
    vocab,
  );
  if (bad !== 0) {
    call.free(loss);
    call.free(lse);
    throw badTarget(bad - 1, vocab);
  }
  return [loss, lse];
}

/** Output: dlogits, the logits' shape. */
function crossEntropyBackward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const inputs = args.inputs as Inputs & Record<'dloss' | 'lse', tf.TensorInfo>;
  const { rows, vocab } = crossEntropyDims(inputs);
  const dlogits = call.output(inputs.logits.shape);
  const { at } = call;
  call.kernels.crossEntropyBackward(
    at(inputs.dloss),
    at(inputs.logits),
    at(inputs.targets),
    at(inputs.weights),
    at(inputs.lse),
    at(dlogits),
    rows,
    vocab,
  );
  return dlogits;
}

export const CROSS_ENTROPY_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.softmaxCrossEntropy, backendName: 'wasm', kernelFunc: crossEntropyForward },
  {
    kernelName: TP.softmaxCrossEntropyGrad,
    backendName: 'wasm',
    kernelFunc: crossEntropyBackward,
  },
];
