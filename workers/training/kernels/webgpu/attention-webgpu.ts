import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../../src/shared/kernel-errors';
import { TP } from '../../ops/kernel-names';
import { requireDtype, type KernelArgs } from '../wasm-kernel-args';
import {
  dispatch,
  flatIndexWgsl,
  flatWorkgroups,
  output,
  release,
  webgpuOf,
  type Field,
} from './gpu-program';

const GROUP = 64;

interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

/** batch, t, heads, head size of a qkv [batch, t, 3·d] whose d the heads divide. */
function dimsOf(qkv: tf.TensorInfo, heads: number) {
  const [batch, t, width3] = qkv.shape as [number, number, number];
  if (qkv.shape.length !== 3 || width3 % (3 * heads) !== 0) {
    throw new KernelInputError(
      `${TP.causalAttention}: qkv [${qkv.shape.join(', ')}] must be [batch, t, 3·d] with d a multiple of the ${heads} heads. Pass the qkv projection's output.`,
    );
  }
  return { batch, t, heads, hd: width3 / 3 / heads };
}

// Each invocation owns one query row (b, h, i) of one head. Helpers give the flat offsets of
// q, k and v rows in qkv [batch, t, 3·d] (head h in columns h·hd of each third) and of a row of
// probs [batch, heads, t, t].
const INDEX_WGSL = `${flatIndexWgsl(GROUP)}
struct Row { b: u32, h: u32, i: u32 };
fn rowOf(idx: u32) -> Row {
  let bh = idx / u.t;
  return Row(bh / u.heads, bh % u.heads, idx % u.t);
}
fn qAt(r: Row, pos: u32) -> u32 { return (r.b * u.t + pos) * 3u * u.d + r.h * u.hd; }
fn pAt(r: Row, i: u32) -> u32 { return ((r.b * u.heads + r.h) * u.t + i) * u.t; }
fn yAt(r: Row, pos: u32) -> u32 { return (r.b * u.t + pos) * u.d + r.h * u.hd; }`;

// Scores q_i·k_j·scale for j ≤ i (dot products over the head's columns in order), softmax with
// its sum over j in order, then y_i = Σ_j p_ij·v_j over j in order. probs holds the scores first.
const forwardBody = () => `${INDEX_WGSL}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flatIndex(gid, nwg);
  if (idx >= u.rows) { return; }
  let r = rowOf(idx);
  let q = qAt(r, r.i);
  let p = pAt(r, r.i);
  var top = -3.4e38;
  for (var j = 0u; j <= r.i; j++) {
    let k = qAt(r, j) + u.d;
    var acc = 0.0;
    for (var c = 0u; c < u.hd; c++) { acc += qkv[q + c] * qkv[k + c]; }
    let s = acc * u.scale;
    probs[p + j] = s;
    top = max(top, s);
  }
  var sum = 0.0;
  for (var j = 0u; j <= r.i; j++) {
    let e = exp(probs[p + j] - top);
    probs[p + j] = e;
    sum += e;
  }
  for (var j = 0u; j <= r.i; j++) { probs[p + j] = probs[p + j] / sum; }
  for (var j = r.i + 1u; j < u.t; j++) { probs[p + j] = 0.0; }
  let yRow = yAt(r, r.i);
  for (var c = 0u; c < u.hd; c++) { y[yRow + c] = 0.0; }
  for (var j = 0u; j <= r.i; j++) {
    let v = qAt(r, j) + 2u * u.d;
    let pj = probs[p + j];
    for (var c = 0u; c < u.hd; c++) { y[yRow + c] += pj * qkv[v + c]; }
  }
}`;

// dP_ij = dy_i·v_j, over the head's columns in order (both backward passes read it).
const DP_WGSL = `fn dP(r: Row, i: u32, j: u32) -> f32 {
  let g = yAt(r, i);
  let v = qAt(r, j) + 2u * u.d;
  var acc = 0.0;
  for (var c = 0u; c < u.hd; c++) { acc += dy[g + c] * qkv[v + c]; }
  return acc;
}
`;

// dpp[b, h, i] = Σ_{j ≤ i} P_ij·dP_ij, over j in order.
const rowSumsBody = () => `${INDEX_WGSL}
${DP_WGSL}@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flatIndex(gid, nwg);
  if (idx >= u.rows) { return; }
  let r = rowOf(idx);
  let p = pAt(r, r.i);
  var sum = 0.0;
  for (var j = 0u; j <= r.i; j++) { sum += probs[p + j] * dP(r, r.i, j); }
  dpp[idx] = sum;
}`;

// Position n of head h: dq_n = Σ_{j ≤ n} dS_nj·k_j (j in order); dk_n = Σ_{i ≥ n} dS_in·q_i and
// dv_n = Σ_{i ≥ n} P_in·dy_i (i in order), dS_ij = P_ij·(dP_ij − dpp_i)·scale. Each invocation
// writes only its own row's columns of dqkv, accumulating there.
const gradBody = () => `${INDEX_WGSL}
${DP_WGSL}@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = flatIndex(gid, nwg);
  if (idx >= u.rows) { return; }
  let r = rowOf(idx);
  let n = r.i;
  let dq = qAt(r, n);
  let dk = dq + u.d;
  let dv = dq + 2u * u.d;
  for (var c = 0u; c < u.hd; c++) { dqkv[dq + c] = 0.0; dqkv[dk + c] = 0.0; dqkv[dv + c] = 0.0; }
  let rowBase = idx - n;
  let pn = pAt(r, n);
  for (var j = 0u; j <= n; j++) {
    let ds = probs[pn + j] * (dP(r, n, j) - dpp[idx]) * u.scale;
    let k = qAt(r, j) + u.d;
    for (var c = 0u; c < u.hd; c++) { dqkv[dq + c] += ds * qkv[k + c]; }
  }
  for (var i = n; i < u.t; i++) {
    let pin = probs[pAt(r, i) + n];
    let ds = pin * (dP(r, i, n) - dpp[rowBase + i]) * u.scale;
    let q = qAt(r, i);
    let g = yAt(r, i);
    for (var c = 0u; c < u.hd; c++) {
      dqkv[dk + c] += ds * qkv[q + c];
      dqkv[dv + c] += pin * dy[g + c];
    }
  }
}`;

function fieldsOf(dims: ReturnType<typeof dimsOf>, scale: number): Field[] {
  const { batch, t, heads, hd } = dims;
  return [
    ['rows', 'u32', batch * heads * t],
    ['t', 'u32', t],
    ['heads', 'u32', heads],
    ['hd', 'u32', hd],
    ['d', 'u32', heads * hd],
    ['scale', 'f32', scale],
  ];
}

/** Outputs: y [batch, t, d] (heads merged) and the probabilities [batch, heads, t, t]. */
function attentionForward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { qkv } = inputs as { qkv: tf.TensorInfo };
  const { heads, scale } = attrs as unknown as AttentionAttrs;
  requireDtype(TP.causalAttention, 'qkv', qkv, 'float32');
  const dims = dimsOf(qkv, heads);
  const { batch, t, hd } = dims;
  const y = output(gpu, [batch, t, heads * hd]);
  const probs = output(gpu, [batch, heads, t, t]);
  const rows = batch * heads * t;
  if (rows === 0 || hd === 0) return [y, probs];
  dispatch(gpu, {
    key: 'TpCausalAttention',
    body: forwardBody,
    outputs: { y, probs },
    inputs: { qkv },
    fields: fieldsOf(dims, scale),
    workgroups: flatWorkgroups(rows, GROUP),
  });
  return [y, probs];
}

/** Output: dqkv, qkv's shape. Two dispatches: every row's Σ P·dP, then the gradients. */
function attentionBackward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const { dy, qkv, probs } = inputs as Record<'dy' | 'qkv' | 'probs', tf.TensorInfo>;
  const { heads, scale } = attrs as unknown as AttentionAttrs;
  const dims = dimsOf(qkv, heads);
  const dqkv = output(gpu, [...qkv.shape]);
  const rows = dims.batch * heads * dims.t;
  if (rows === 0 || dims.hd === 0) return dqkv;
  const fields = fieldsOf(dims, scale);
  const workgroups = flatWorkgroups(rows, GROUP);
  const dpp = output(gpu, [rows]);
  dispatch(gpu, {
    key: 'TpCausalAttentionGrad.rowSums',
    body: rowSumsBody,
    outputs: { dpp },
    inputs: { dy, qkv, probs },
    fields,
    workgroups,
  });
  dispatch(gpu, {
    key: 'TpCausalAttentionGrad',
    body: gradBody,
    outputs: { dqkv },
    inputs: { dy, qkv, probs, dpp },
    fields,
    workgroups,
  });
  release(gpu, dpp);
  return dqkv;
}

export const ATTENTION_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.causalAttention, backendName: 'webgpu', kernelFunc: attentionForward },
  { kernelName: TP.causalAttentionGrad, backendName: 'webgpu', kernelFunc: attentionBackward },
];
