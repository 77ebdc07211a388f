import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { adamArgs } from '../kernel-checks';
import { requireDtype, sizeOf, type KernelArgs } from '../wasm-kernel-args';
import {
  dispatch,
  flatIndexWgsl,
  flatWorkgroups,
  output,
  release,
  webgpuOf,
  type Field,
  type WebGpuInternals,
} from './gpu-program';

/** Gradients one global-norm dispatch reads: WebGPU binds 8 storage buffers a shader (below). */
const NORM_INPUTS = 6;
const NORM_GROUP = 256;
const ADAM_GROUP = 64;

const names = (k: number) => Array.from({ length: k }, (_, i) => `g${i}`);

// One workgroup. Invocation t adds g[e]² for e = t, t + 256, … of each gradient in input order;
// invocation 0 then adds the previous dispatch's sum and the 256 partial sums in order, and the
// last dispatch takes the root. Up to NORM_INPUTS gradients a dispatch, plus the running sum and
// the output: 8 storage buffers.
const normBody = (k: number, last: boolean) => () => `
var<workgroup> part: array<f32, ${NORM_GROUP}>;
@compute @workgroup_size(${NORM_GROUP})
fn main(@builtin(local_invocation_index) t: u32) {
  var acc = 0.0;
${names(k)
  .map(
    (g, i) =>
      `  for (var e = t; e < u.n${i}; e += ${NORM_GROUP}u) { let x = ${g}[e]; acc += x * x; }`,
  )
  .join('\n')}
  part[t] = acc;
  workgroupBarrier();
  if (t == 0u) {
    var total = before[0];
    for (var i = 0u; i < ${NORM_GROUP}u; i++) { total += part[i]; }
    norm[0] = ${last ? 'sqrt(total)' : 'total'};
  }
}`;

/** Output: √Σ‖g‖² over every input, a scalar; ⌈inputs / 6⌉ dispatches, each adding to the last. */
function globalNorm({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const grads = (Object.values(inputs) as tf.TensorInfo[]).filter((g) => {
    requireDtype(TP.globalNorm, 'a gradient', g, 'float32');
    return sizeOf(g.shape) > 0;
  });
  let sum = gpu.makeTensorInfo([], 'float32', new Float32Array([0]));
  if (grads.length === 0) return sum;
  for (let at = 0; at < grads.length; at += NORM_INPUTS) {
    const part = grads.slice(at, at + NORM_INPUTS);
    const last = at + NORM_INPUTS >= grads.length;
    const next = output(gpu, []);
    const fields: Field[] = part.map((g, i) => [`n${i}`, 'u32', sizeOf(g.shape)]);
    dispatch(gpu, {
      key: `TpGlobalNorm.${part.length}${last ? '.root' : ''}`,
      body: normBody(part.length, last),
      outputs: { norm: next },
      inputs: { before: sum, ...Object.fromEntries(part.map((g, i) => [`g${i}`, g])) },
      fields,
      workgroups: [1, 1, 1],
    });
    release(gpu, sum);
    sum = next;
  }
  return sum;
}

// β1ᵗ, β2ᵗ and the clipping factor (1 without clipping: g·1 = g, the same bits) side by side,
// so that one Adam dispatch binds 5 inputs and 3 outputs, within WebGPU's 8 storage buffers.
const packBody = (scaled: boolean) => () => `
@compute @workgroup_size(1)
fn main() {
  packed[0] = accBeta1[0];
  packed[1] = accBeta2[0];
  packed[2] = ${scaled ? 'scale[0]' : '1.0'};
}`;

// tfjs's Adam (and AdamW's decoupled decay) one float32 operation at a time, as the WASM kernel.
const adamBody = () => `${flatIndexWgsl(ADAM_GROUP)}
@compute @workgroup_size(${ADAM_GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= u.n) { return; }
  let g = grad[i] * packed[2];
  let newM = m[i] * u.beta1 + g * u.oneMinusBeta1;
  let newV = v[i] * u.beta2 + (g * g) * u.oneMinusBeta2;
  let mHat = newM / (1.0 - packed[0]);
  let vHat = newV / (1.0 - packed[1]);
  let update = (mHat / (sqrt(vHat) + u.epsilon)) * u.negLr;
  paramOut[i] = update + param[i] * u.decay;
  mOut[i] = newM;
  vOut[i] = newV;
}`;

/**
 * The packed scalars of the step running now: every variable's TpAdam of one step reads the
 * same β powers and factor, so they are packed once a step (one dispatch), not once a variable.
 */
let packedFor: { keys: readonly object[]; packed: tf.TensorInfo; gpu: WebGpuInternals } | null =
  null;

function packScalars(gpu: WebGpuInternals, scalars: readonly tf.TensorInfo[]): tf.TensorInfo {
  const keys = scalars.map((s) => s.dataId);
  if (
    packedFor !== null &&
    packedFor.gpu === gpu &&
    packedFor.keys.length === keys.length &&
    packedFor.keys.every((k, i) => k === keys[i])
  ) {
    return packedFor.packed;
  }
  if (packedFor !== null && packedFor.gpu === gpu) release(gpu, packedFor.packed);
  const packed = output(gpu, [3]);
  const [accBeta1, accBeta2, scale] = scalars as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo?];
  dispatch(gpu, {
    key: `TpAdam.pack${scale === undefined ? '' : '.scaled'}`,
    body: packBody(scale !== undefined),
    outputs: { packed },
    inputs: scale === undefined ? { accBeta1, accBeta2 } : { accBeta1, accBeta2, scale },
    fields: [],
    workgroups: [1, 1, 1],
  });
  packedFor = { keys, packed, gpu };
  return packed;
}

/** Outputs: the new param, m and v (new buffers: tfjs swaps a variable's buffer on assign). */
function adamStep({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { inputs: all, attrs: adam } = adamArgs(inputs, attrs);
  const { learningRate, beta1, beta2, epsilon, decay } = adam;
  const { param, grad, m, v } = all;
  const n = sizeOf(param.shape);
  const outs = [output(gpu, [...param.shape]), output(gpu, [...param.shape])];
  outs.push(output(gpu, [...param.shape]));
  if (n === 0) return outs;
  const scalars = [all.accBeta1, all.accBeta2, ...(all.scale === undefined ? [] : [all.scale])];
  const packed = packScalars(gpu, scalars);
  dispatch(gpu, {
    key: 'TpAdam',
    body: adamBody,
    outputs: { paramOut: outs[0]!, mOut: outs[1]!, vOut: outs[2]! },
    inputs: { param, grad, m, v, packed },
    // The constants tfjs's Adam multiplies by, as the float32 scalars it makes of them.
    fields: [
      ['n', 'u32', n],
      ['beta1', 'f32', beta1],
      ['oneMinusBeta1', 'f32', 1 - beta1],
      ['beta2', 'f32', beta2],
      ['oneMinusBeta2', 'f32', 1 - beta2],
      ['epsilon', 'f32', epsilon],
      ['negLr', 'f32', -learningRate],
      ['decay', 'f32', decay],
    ],
    workgroups: flatWorkgroups(n, ADAM_GROUP),
  });
  return outs;
}

export const OPTIMIZER_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.globalNorm, backendName: 'webgpu', kernelFunc: globalNorm },
  { kernelName: TP.adam, backendName: 'webgpu', kernelFunc: adamStep },
];
