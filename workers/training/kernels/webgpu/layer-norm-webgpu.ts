import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../../src/shared/kernel-errors';
import { TP } from '../../ops/kernel-names';
import { requireDtype, sizeOf, type KernelArgs } from '../wasm-kernel-args';
import { dispatch, flatIndexWgsl, flatWorkgroups, output, webgpuOf } from './gpu-program';

const GROUP = 64;

/** rows × d of x; gamma (and beta, when given) must be [d]. */
function rowsOf(x: tf.TensorInfo, ...params: tf.TensorInfo[]): { rows: number; d: number } {
  const d = x.shape.at(-1) ?? 1;
  for (const p of params) {
    if (p.shape.length !== 1 || p.shape[0] !== d) {
      throw new KernelInputError(
        `${TP.layerNorm}: a scale or offset of shape [${p.shape.join(', ')}] does not fit the last axis (${d}) of x [${x.shape.join(', ')}]. Pass vectors of length ${d}.`,
      );
    }
  }
  return { rows: d === 0 ? 0 : sizeOf(x.shape) / d, d };
}

// One invocation per row; its sums run over the row's columns in order (a row is short: d).
const forwardBody = () => `${flatIndexWgsl(GROUP)}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flatIndex(gid, nwg);
  if (r >= u.rows) { return; }
  let base = r * u.d;
  let size = f32(u.d);
  var sum = 0.0;
  for (var c = 0u; c < u.d; c++) { sum += x[base + c]; }
  let m = sum / size;
  var squares = 0.0;
  for (var c = 0u; c < u.d; c++) { let dev = x[base + c] - m; squares += dev * dev; }
  let sd = sqrt(squares / size + u.epsilon);
  mean[r] = m;
  rstd[r] = 1.0 / sd;
  for (var c = 0u; c < u.d; c++) { y[base + c] = ((x[base + c] - m) / sd) * gamma[c] + beta[c]; }
}`;

// Invocations [0, rows) make a row of dx; [rows, rows + d) a column of dgamma and dbeta, summed
// over the rows in order: no atomics, so the same bits on every run.
const backwardBody = () => `${flatIndexWgsl(GROUP)}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i < u.rows) {
    let base = i * u.d;
    let m = mean[i];
    let s = rstd[i];
    var sumG = 0.0;
    var sumGX = 0.0;
    for (var c = 0u; c < u.d; c++) {
      let g = dy[base + c] * gamma[c];
      sumG += g;
      sumGX += g * ((x[base + c] - m) * s);
    }
    let size = f32(u.d);
    let meanG = sumG / size;
    let meanGX = sumGX / size;
    for (var c = 0u; c < u.d; c++) {
      let g = dy[base + c] * gamma[c];
      dx[base + c] = s * ((g - meanG) - ((x[base + c] - m) * s) * meanGX);
    }
    return;
  }
  let c = i - u.rows;
  if (c >= u.d) { return; }
  var dg = 0.0;
  var db = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    let g = dy[r * u.d + c];
    dg += g * ((x[r * u.d + c] - mean[r]) * rstd[r]);
    db += g;
  }
  dgamma[c] = dg;
  dbeta[c] = db;
}`;

/** Outputs: y (x's shape), then each row's mean and 1/sqrt(var + eps), which the gradient reuses. */
function layerNormForward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  for (const [name, t] of Object.entries({ x, gamma, beta })) {
    requireDtype(TP.layerNorm, name, t, 'float32');
  }
  const { rows, d } = rowsOf(x, gamma, beta);
  const [y, mean, rstd] = [output(gpu, [...x.shape]), output(gpu, [rows]), output(gpu, [rows])];
  if (rows === 0) return [y, mean, rstd];
  dispatch(gpu, {
    key: 'TpLayerNorm',
    body: forwardBody,
    outputs: { y, mean, rstd },
    inputs: { x, gamma, beta },
    fields: [
      ['rows', 'u32', rows],
      ['d', 'u32', d],
      ['epsilon', 'f32', (attrs as { epsilon: number }).epsilon],
    ],
    workgroups: flatWorkgroups(rows, GROUP),
  });
  return [y, mean, rstd];
}

/** Outputs: dx, dgamma, dbeta. */
function layerNormBackward({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { dy, x, gamma, mean, rstd } = inputs as Record<
    'dy' | 'x' | 'gamma' | 'mean' | 'rstd',
    tf.TensorInfo
  >;
  const { rows, d } = rowsOf(x, gamma);
  const [dx, dgamma, dbeta] = [output(gpu, [...x.shape]), output(gpu, [d]), output(gpu, [d])];
  if (rows + d === 0) return [dx, dgamma, dbeta];
  dispatch(gpu, {
    key: 'TpLayerNormGrad',
    body: backwardBody,
    outputs: { dx, dgamma, dbeta },
    inputs: { dy, x, gamma, mean, rstd },
    fields: [
      ['rows', 'u32', rows],
      ['d', 'u32', d],
    ],
    workgroups: flatWorkgroups(rows + d, GROUP),
  });
  return [dx, dgamma, dbeta];
}

export const LAYER_NORM_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.layerNorm, backendName: 'webgpu', kernelFunc: layerNormForward },
  { kernelName: TP.layerNormGrad, backendName: 'webgpu', kernelFunc: layerNormBackward },
];
