import type * as tf from '@tensorflow/tfjs';
import { TP } from '../ops/kernel-names';
import { requireDtype, sizeOf, wasmCall, type KernelArgs } from './wasm-kernel-args';

function geluForward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const y = call.output(x.shape);
  call.kernels.geluForward(call.at(x), call.at(y), sizeOf(x.shape));
  return y;
}

function geluBackward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const dx = call.output(x.shape);
  call.kernels.geluBackward(call.at(dy), call.at(x), call.at(dx), sizeOf(x.shape));
  return dx;
}

export const GELU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'wasm', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'wasm', kernelFunc: geluBackward },
];
