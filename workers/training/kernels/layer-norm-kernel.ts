import * as tf from '@tensorflow/tfjs';
import { TP } from '../ops/kernel-names';
import { layerNormDims } from './kernel-checks';
import { requireDtype, wasmCall, type KernelArgs } from './wasm-kernel-args';

/** Outputs: y (x's shape), then each row's mean and 1/sqrt(var + eps), which the gradient reuses. */
function layerNormForward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  for (const [name, t] of Object.entries({ x, gamma, beta })) {
    requireDtype(TP.layerNorm, name, t, 'float32');
  }
  const { rows, d } = layerNormDims(x, gamma, beta);
  const [y, mean, rstd] = [call.output(x.shape), call.output([rows]), call.output([rows])];
  const epsilon = (args.attrs as { epsilon: number }).epsilon;
  const { at } = call;
  call.kernels.layerNormForward(
    at(x),
    at(gamma),
    at(beta),
    at(y),
    at(mean),
    at(rstd),
    rows,
    d,
    epsilon,
  );
  return [y, mean, rstd];
}

/** Outputs: dx, dgamma, dbeta. */
function layerNormBackward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const { dy, x, gamma, mean, rstd } = args.inputs as Record<
    'dy' | 'x' | 'gamma' | 'mean' | 'rstd',
    tf.TensorInfo
  >;
  const { rows, d } = layerNormDims(x, gamma);
  const [dx, dgamma, dbeta] = [call.output(x.shape), call.output([d]), call.output([d])];
  const { at } = call;
  call.kernels.layerNormBackward(
    at(dy),
    at(x),
    at(gamma),
    at(mean),
    at(rstd),
    at(dx),
    at(dgamma),
    at(dbeta),
    rows,
    d,
  );
  return [dx, dgamma, dbeta];
}

export const LAYER_NORM_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.layerNorm, backendName: 'wasm', kernelFunc: layerNormForward },
  { kernelName: TP.layerNormGrad, backendName: 'wasm', kernelFunc: layerNormBackward },
];
