import * as tf from '@tensorflow/tfjs';
import { TP } from '../ops/kernel-names';
import { adamArgs } from './kernel-checks';
import { requireDtype, sizeOf, wasmCall, type KernelArgs } from './wasm-kernel-args';

/**
 * Output: √Σ‖g‖² over every input, a scalar. Each tensor's Σg² comes from the module (four
 * lanes, then the tail); the tensors' sums are added in input order and the root taken in
 * float32, here, as Math.fround makes each step a float32 operation.
 */
function globalNorm(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const grads = Object.values(args.inputs) as tf.TensorInfo[];
  let total = 0;
  for (const g of grads) {
    requireDtype(TP.globalNorm, 'a gradient', g, 'float32');
    total = Math.fround(total + call.kernels.sumSquares(call.at(g), sizeOf(g.shape)));
  }
  const norm = call.output([]);
  call.backend.typedArrayFromHeap(norm).set([Math.fround(Math.sqrt(total))]);
  return norm;
}

/** Outputs: the new param, m and v (new buffers: tfjs swaps a variable's buffer on assign). */
function adamStep(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const { inputs, attrs } = adamArgs(args.inputs, args.attrs);
  const { learningRate, beta1, beta2, epsilon, decay } = attrs;
  const { param, grad, m, v } = inputs;
  const outs = [call.output(param.shape), call.output(param.shape), call.output(param.shape)];
  const { at } = call;
  // The constants tfjs's Adam multiplies by, as the float32 scalars it makes of them.
  call.kernels.adamStep(
    at(param),
    at(grad),
    at(m),
    at(v),
    at(outs[0]!),
    at(outs[1]!),
    at(outs[2]!),
    sizeOf(param.shape),
    at(inputs.accBeta1),
    at(inputs.accBeta2),
    inputs.scale === undefined ? 0 : at(inputs.scale),
    beta1,
    1 - beta1,
    beta2,
    1 - beta2,
    epsilon,
    -learningRate,
    decay,
  );
  return outs;
}

export const OPTIMIZER_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.globalNorm, backendName: 'wasm', kernelFunc: globalNorm },
  { kernelName: TP.adam, backendName: 'wasm', kernelFunc: adamStep },
];
