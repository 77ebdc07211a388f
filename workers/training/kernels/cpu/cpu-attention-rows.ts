import { columnWeightedSums, dots, weightedSum } from './cpu-attention-math';
import { expInPlace } from './cpu-exp';

// Causal attention straight out of the qkv projection [batch, t, 3·d] (q, k, v side by side,
// head h in columns h·hd of each), heads merged on the way out: no split, transposes or mask.
// For each (batch, head), rows i ascending, positions j ≤ i ascending; every sum in a double,
// in that order (dk_j and dv_j over i ascending). Positions after i are skipped, and their
// probabilities written as 0, which is what the composite's additive −1e9 mask gives.
// A (batch, head) pair reads and writes only its own parts of the arrays, so pairs [from, to)
// are the unit the CPU pool splits (cpu-pool-jobs.ts): every element is computed by the
// same arithmetic in the same order whichever thread holds its pair.

export interface AttentionDims {
  readonly batch: number;
  readonly t: number;
  readonly heads: number;
  readonly hd: number;
  readonly scale: number;
}

/**
 * Pairs p = b·heads + h in [from, to): y [batch, t, d] (heads merged) and the probabilities
 * [batch, heads, t, t] of each, out of qkv `x`; `probs` is zero beforehand (j > i stays 0).
 */
export function attentionForwardPairs(
  x: Float32Array,
  y: Float32Array,
  probs: Float32Array,
  dims: AttentionDims,
  from: number,
  to: number,
): void {
  const { t, heads, hd, scale } = dims;
  const d = heads * hd;
  const w3 = 3 * d;
  const e = new Float64Array(t);
  const acc = new Float64Array(hd);
  for (let p = from; p < to; p++) {
    const b = Math.floor(p / heads);
    const h = p - b * heads;
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
      const po = (p * t + i) * t;
      for (let j = 0; j <= i; j++) probs[po + j] = e[j]! / sum;
      acc.fill(0);
      weightedSum(x, k0 + d, w3, probs, po, i + 1, hd, acc);
      const yo = (b * t + i) * d + h * hd;
      for (let c = 0; c < hd; c++) y[yo + c] = acc[c]!;
    }
  }
}

/** Pairs [from, to) of dqkv (qkv's shape) from dy `g` [batch, t, d], qkv `x` and `probs`. */
export function attentionBackwardPairs(
  g: Float32Array,
  x: Float32Array,
  probs: Float32Array,
  dqkv: Float32Array,
  dims: AttentionDims,
  from: number,
  to: number,
): void {
  const { t, heads, hd, scale } = dims;
  const d = heads * hd;
  const w3 = 3 * d;
  const dp = new Float64Array(t);
  // dS of one (batch, head), row i at i·t: dq needs its rows, dk its columns.
  const ds = new Float64Array(t * t);
  const dq = new Float64Array(hd);
  for (let p = from; p < to; p++) {
    const b = Math.floor(p / heads);
    const h = p - b * heads;
    const k0 = b * t * w3 + d + h * hd;
    const pAt = p * t * t;
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
