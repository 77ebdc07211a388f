import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../src/shared/kernel-errors';
import { TP } from '../ops/kernel-names';
import { requireDtype, sizeOf, wasmCall, type KernelArgs } from './wasm-kernel-args';

type Inputs = Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;

/** rows × vocab of the logits, with one target and one weight per row. */
function rowsOf({ logits, targets, weights }: Inputs): { rows: number; vocab: number } {
  const vocab = logits.shape.at(-1) ?? 1;
  const rows = sizeOf(logits.shape) / vocab;
  if (sizeOf(targets.shape) !== rows || sizeOf(weights.shape) !== rows) {
    throw new KernelInputError(
      `${TP.softmaxCrossEntropy}: logits [${logits.shape.join(', ')}] have ${rows} rows, but targets [${targets.shape.join(', ')}] and weights [${weights.shape.join(', ')}] must have one value per row. Pass one target and one weight for each row of logits.`,
    );
  }
  return { rows, vocab };
}

/** Outputs: the loss (a scalar) and each row's log-sum-exp [rows], which the gradient reuses. */
function crossEntropyForward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const inputs = args.inputs as Inputs;
  requireDtype(TP.softmaxCrossEntropy, 'logits', inputs.logits, 'float32');
  requireDtype(TP.softmaxCrossEntropy, 'targets', inputs.targets, 'int32');
  requireDtype(TP.softmaxCrossEntropy, 'weights', inputs.weights, 'float32');
  const { rows, vocab } = rowsOf(inputs);
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
    throw new KernelInputError(
      `${TP.softmaxCrossEntropy}: the target of row ${bad - 1} is outside the vocabulary [0, ${vocab}). Pass targets that index the logits' last axis.`,
    );
  }
  return [loss, lse];
}

/** Output: dlogits, the logits' shape. */
function crossEntropyBackward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const inputs = args.inputs as Inputs & Record<'dloss' | 'lse', tf.TensorInfo>;
  const { rows, vocab } = rowsOf(inputs);
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
