import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelInputError } from '../../../src/shared/kernel-errors';
import { kernelsOf, offsetOf } from './wasm-kernel-module';

/** Kernel names: prefixed, so they can never meet one of tfjs's own. */
export const LAYER_NORM = 'TpLayerNorm';
export const LAYER_NORM_GRAD = 'TpLayerNormGrad';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function float32(name: string, t: tf.TensorInfo): void {
  if (t.dtype !== 'float32') {
    throw new KernelInputError(`${LAYER_NORM}: ${name} is ${t.dtype}; it takes float32 only.`);
  }
}

/** rows × d of x; gamma (and beta, when given) must be [d]. */
function rowsOf(x: tf.TensorInfo, ...params: tf.TensorInfo[]): { rows: number; d: number } {
  const d = x.shape.at(-1) ?? 1;
  for (const p of params) {
    if (p.shape.length !== 1 || p.shape[0] !== d) {
      throw new KernelInputError(
        `${LAYER_NORM}: a scale or offset of shape [${p.shape.join(', ')}] does not fit the last axis (${d}) of x [${x.shape.join(', ')}]. Pass vectors of length ${d}.`,
      );
    }
  }
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { rows: d === 0 ? 0 : size / d, d };
}

/** Outputs: y (x's shape), then each row's mean and 1/sqrt(var + eps), which the gradient reuses. */
function layerNormForward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  for (const [name, t] of Object.entries({ x, gamma, beta })) float32(name, t);
  const { rows, d } = rowsOf(x, gamma, beta);
  const y = wasm.makeOutput([...x.shape], 'float32');
  const mean = wasm.makeOutput([rows], 'float32');
  const rstd = wasm.makeOutput([rows], 'float32');
  const at = (t: tf.TensorInfo) => offsetOf(wasm, t);
  const epsilon = (attrs as { epsilon: number }).epsilon;
  kernelsOf(wasm).layerNormForward(
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
function layerNormBackward({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const { dy, x, gamma, mean, rstd } = inputs as Record<
    'dy' | 'x' | 'gamma' | 'mean' | 'rstd',
    tf.TensorInfo
  >;
  const { rows, d } = rowsOf(x, gamma);
  const dx = wasm.makeOutput([...x.shape], 'float32');
  const dgamma = wasm.makeOutput([d], 'float32');
  const dbeta = wasm.makeOutput([d], 'float32');
  const at = (t: tf.TensorInfo) => offsetOf(wasm, t);
  kernelsOf(wasm).layerNormBackward(
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

/** Registers both kernels for 'wasm' and the forward's gradient; safe to call again. */
export function registerLayerNorm(): void {
  if (tf.getKernel(LAYER_NORM, 'wasm') !== undefined) return;
  tf.registerKernel({ kernelName: LAYER_NORM, backendName: 'wasm', kernelFunc: layerNormForward });
  tf.registerKernel({
    kernelName: LAYER_NORM_GRAD,
    backendName: 'wasm',
    kernelFunc: layerNormBackward,
  });
  tf.registerGradient({
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved) => {
      const [x, gamma, mean, rstd] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      // One kernel gives all three gradients; each input's function hands out its own.
      const [dx, dgamma, dbeta] = tf
        .engine()
        .runKernel(LAYER_NORM_GRAD, { dy, x, gamma, mean, rstd }, {}) as tf.Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  });
}

/**
 * Layer normalisation over the last axis in one kernel forward and one backward, on the wasm
 * backend with installWasmKernels() done: what the transformer's layerNorm computes with 9
 * kernels forward and about 25 backward.
 */
export function fusedLayerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor {
  const [y, mean, rstd] = tf
    .engine()
    .runKernel(LAYER_NORM, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  // The tape keeps its own references to what the gradient needs.
  mean!.dispose();
  rstd!.dispose();
  return y!;
}
