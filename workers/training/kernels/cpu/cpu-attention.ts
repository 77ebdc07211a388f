import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { attentionDims, requireDtype } from '../kernel-checks';
import { expInPlace } from './cpu-exp';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// Causal attention straight out of the qkv projection [batch, t, 3·d] (q, k, v side by side,
// head h in columns h·hd of each), heads merged on the way out: no split, transposes or mask.
// For each (batch, head), rows i ascending, positions j ≤ i ascending; every sum in a double,
// in that order (dk_j and dv_j over i ascending). Positions after i are skipped, and their
// probabilities written as 0, which is what the composite's additive −1e9 mask gives.

interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

/** s[j] = a · x_j (x_j = x[at + j·stride], length hd) for j in [0, count): four rows at a time. */
function dots(
  x: Float32Array,
  a: number,
  at: number,
  stride: number,
  count: number,
  hd: number,
  s: Float64Array,
  y: Float32Array = x,
): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const o0 = at + j * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < hd; c++) {
      const q = y[a + c]!;
      s0 += q * x[o0 + c]!;
      s1 += q * x[o1 + c]!;
      s2 += q * x[o2 + c]!;
      s3 += q * x[o3 + c]!;
    }
    s[j] = s0;
    s[j + 1] = s1;
    s[j + 2] = s2;
    s[j + 3] = s3;
  }
  for (; j < count; j++) {
    const o = at + j * stride;
    let sum = 0;
    for (let c = 0; c < hd; c++) sum += y[a + c]! * x[o + c]!;
    s[j] = sum;
  }
}

/**
 * acc[c] += Σ_j w[j]·x_j[c] over j in [0, count), j ascending (four rows a pass, added one after
 * the other: the same order as one row at a time).
 */
function weightedSum(
  x: Float32Array,
  at: number,
  stride: number,
  w: ArrayLike<number>,
  wAt: number,
  count: number,
  hd: number,
  acc: Float64Array,
): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const o0 = at + j * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    const w0 = w[wAt + j]!;
    const w1 = w[wAt + j + 1]!;
    const w2 = w[wAt + j + 2]!;
    const w3 = w[wAt + j + 3]!;
    for (let c = 0; c < hd; c++) {
      acc[c] = acc[c]! + w0 * x[o0 + c]! + w1 * x[o1 + c]! + w2 * x[o2 + c]! + w3 * x[o3 + c]!;
    }
  }
  for (; j < count; j++) {
    const o = at + j * stride;
    const wj = w[wAt + j]!;
    for (let c = 0; c < hd; c++) acc[c] += wj * x[o + c]!;
  }
}

/** Outputs: y [batch, t, d] (heads merged) and the probabilities [batch, heads, t, t]. */
function attentionForward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { qkv } = args.inputs as { qkv: tf.TensorInfo };
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  requireDtype(TP.causalAttention, 'qkv', qkv, 'float32');
  const { batch, t, hd } = attentionDims(qkv, heads);
  const d = heads * hd;
  const w3 = 3 * d;
  const x = call.floats(qkv);
  const y = new Float32Array(batch * t * d);
  const probs = new Float32Array(batch * heads * t * t);
  const e = new Float64Array(t);
  const acc = new Float64Array(hd);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const k0 = b * t * w3 + d + h * hd;
      for (let i = 0; i < t; i++) {
        dots(x, (b * t + i) * w3 + h * hd, k0, w3, i + 1, hd, e);
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          e[j] = e[j]! * scale;
          if (e[j]! > max) max = e[j]!;
        }
        for (let j = 0; j <= i; j++) e[j] = e[j]! - max;
        expInPlace(e, i + 1);
        let sum = 0;
        for (let j = 0; j <= i; j++) sum += e[j]!;
        const po = ((b * heads + h) * t + i) * t;
        for (let j = 0; j <= i; j++) probs[po + j] = e[j]! / sum;
        acc.fill(0);
        weightedSum(x, k0 + d, w3, probs, po, i + 1, hd, acc);
        const yo = (b * t + i) * d + h * hd;
        for (let c = 0; c < hd; c++) y[yo + c] = acc[c]!;
      }
    }
  }
  return [call.output([batch, t, d], y), call.output([batch, heads, t, t], probs)];
}

/**
 * out[j·outStride + c] = Σ_{i ≥ j} w[i·t + j]·x[i·xStride + c] for j in [0, t), c in [0, hd): i ascending in
 * a double, four columns held in locals over all i (the attention gradient's dk and dv, summed
 * in the order the rows i produce them, without a read and write of memory per term).
 */
function columnWeightedSums(
  w: ArrayLike<number>,
  wAt: number,
  x: Float32Array,
  xAt: number,
  xStride: number,
  t: number,
  hd: number,
  out: Float32Array,
  outAt: number,
  outStride: number,
): void {
  const hd4 = hd - (hd % 4);
  for (let j = 0; j < t; j++) {
    const oo = outAt + j * outStride;
    for (let c = 0; c < hd4; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = j; i < t; i++) {
        const wij = w[wAt + i * t + j]!;
        const xo = xAt + i * xStride + c;
        s0 += wij * x[xo]!;
        s1 += wij * x[xo + 1]!;
        s2 += wij * x[xo + 2]!;
        s3 += wij * x[xo + 3]!;
      }
      out[oo + c] = s0;
      out[oo + c + 1] = s1;
      out[oo + c + 2] = s2;
      out[oo + c + 3] = s3;
    }
    for (let c = hd4; c < hd; c++) {
      let s = 0;
      for (let i = j; i < t; i++) s += w[wAt + i * t + j]! * x[xAt + i * xStride + c]!;
      out[oo + c] = s;
    }
  }
}

/** Output: dqkv (qkv's shape). */
function attentionBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const inputs = args.inputs as Record<'dy' | 'qkv' | 'probs', tf.TensorInfo>;
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const { batch, t, hd } = attentionDims(inputs.qkv, heads);
  const d = heads * hd;
  const w3 = 3 * d;
  const [g, x, probs] = [
    call.floats(inputs.dy),
    call.floats(inputs.qkv),
    call.floats(inputs.probs),
  ];
  const dqkv = new Float32Array(x.length);
  const dp = new Float64Array(t);
  // dS of one (batch, head), row i at i·t: dq needs its rows, dk its columns.
  const ds = new Float64Array(t * t);
  const dq = new Float64Array(hd);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const k0 = b * t * w3 + d + h * hd;
      const pAt = (b * heads + h) * t * t;
      for (let i = 0; i < t; i++) {
        const go = (b * t + i) * d + h * hd;
        const qo = (b * t + i) * w3 + h * hd;
        const po = pAt + i * t;
        const so = i * t;
        // dP_ij = dy_i · v_j (dy read from g, v_j from x).
        dots(x, go, k0 + d, w3, i + 1, hd, dp, g);
        let rowDot = 0;
        for (let j = 0; j <= i; j++) rowDot += probs[po + j]! * dp[j]!;
        for (let j = 0; j <= i; j++) ds[so + j] = probs[po + j]! * (dp[j]! - rowDot) * scale;
        dq.fill(0);
        weightedSum(x, k0, w3, ds, so, i + 1, hd, dq);
        for (let c = 0; c < hd; c++) dqkv[qo + c] = dq[c]!;
      }
      // dk_j = Σ_{i ≥ j} dS_ij·q_i and dv_j = Σ_{i ≥ j} P_ij·dy_i, i ascending.
      const q0 = b * t * w3 + h * hd;
      columnWeightedSums(ds, 0, x, q0, w3, t, hd, dqkv, k0, w3);
      columnWeightedSums(probs, pAt, g, b * t * d + h * hd, d, t, hd, dqkv, k0 + d, w3);
    }
  }
  return call.output(inputs.qkv.shape, dqkv);
}

export const CPU_ATTENTION_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.causalAttention, backendName: 'cpu', kernelFunc: attentionForward },
  { kernelName: TP.causalAttentionGrad, backendName: 'cpu', kernelFunc: attentionBackward },
];
