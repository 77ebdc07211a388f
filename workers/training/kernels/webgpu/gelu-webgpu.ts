import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { requireDtype, sizeOf, type KernelArgs } from '../wasm-kernel-args';
import { dispatch, flatIndexWgsl, flatWorkgroups, output, webgpuOf } from './gpu-program';

const GROUP = 64;

// GPT-2's tanh approximation as the WASM kernel computes it: 1 + tanh(u) and 1 − tanh²(u) from
// e = exp(−2|u|) and r = 2/(1 + e), which do not cancel where tanh nears ∓1.
const GELU_WGSL = `
const A: f32 = 0.044715;
const C: f32 = 0.7978845608;
${flatIndexWgsl(GROUP)}
struct Parts { onePlusT: f32, sech2: f32 };
fn parts(x: f32) -> Parts {
  let u = (x + (x * x * x) * A) * C;
  let e = exp(-2.0 * abs(u));
  let r = 2.0 / (1.0 + e);
  return Parts(select(r * e, r, u >= 0.0), (r * r) * e);
}`;

const forwardBody = () => `${GELU_WGSL}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= u.n) { return; }
  let x = xs[i];
  y[i] = (x * 0.5) * parts(x).onePlusT;
}`;

const backwardBody = () => `${GELU_WGSL}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= u.n) { return; }
  let x = xs[i];
  let p = parts(x);
  let inner = C * (1.0 + (3.0 * A) * (x * x));
  dx[i] = dy[i] * (0.5 * p.onePlusT + ((0.5 * x) * p.sech2) * inner);
}`;

function geluForward({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const { x } = inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const n = sizeOf(x.shape);
  const y = output(gpu, [...x.shape]);
  if (n === 0) return y;
  dispatch(gpu, {
    key: 'TpGelu',
    body: forwardBody,
    outputs: { y },
    inputs: { xs: x },
    fields: [['n', 'u32', n]],
    workgroups: flatWorkgroups(n, GROUP),
  });
  return y;
}

function geluBackward({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const n = sizeOf(x.shape);
  const dx = output(gpu, [...x.shape]);
  if (n === 0) return dx;
  dispatch(gpu, {
    key: 'TpGeluGrad',
    body: backwardBody,
    outputs: { dx },
    inputs: { dy, xs: x },
    fields: [['n', 'u32', n]],
    workgroups: flatWorkgroups(n, GROUP),
  });
  return dx;
}

export const GELU_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'webgpu', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'webgpu', kernelFunc: geluBackward },
];
