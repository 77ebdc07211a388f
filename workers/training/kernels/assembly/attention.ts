import { axpy, axpy4, dot, dot4 } from './head-vectors';
import { expV, lanesSum } from './simd-math';

// Causal multi-head self-attention, the whole scores → mask → softmax → mix in one pass, read
// straight out of the qkv projection [batch, t, 3·d] (q, k, v side by side; head h in columns
// h·hd to (h+1)·hd of each) and written with the heads merged, [batch, t, d]: no split, no
// transposes, no mask tensor. Positions after i are skipped rather than masked; their
// probabilities are written as 0, which is what an additive -1e9 mask gives after softmax.
// Dot products over hd run in four lanes (index mod 4) added (l0 + l2) + (l1 + l3); every other
// sum runs in index order (j, then i). Positions are taken four at a time where they can be,
// which changes no order: the same inputs give the same bits.

// Row i of a head's probabilities from its scores s[0..i]: exp(s - max) / Σ, then zeros.
function softmaxRow(p: usize, count: i32, t: i32, mx: f32): void {
  const mv = f32x4.splat(mx);
  let acc = f32x4.splat(0);
  const vecEnd = count & ~3;
  let j = 0;
  for (; j < vecEnd; j += 4) {
    const at = (<usize>j) << 2;
    const e = expV(f32x4.sub(v128.load(p + at), mv));
    v128.store(p + at, e);
    acc = f32x4.add(acc, e);
  }
  let sum = lanesSum(acc);
  for (; j < count; j++) {
    const at = (<usize>j) << 2;
    const e = f32x4.extract_lane(expV(f32x4.splat(load<f32>(p + at) - mx)), 0);
    store<f32>(p + at, e);
    sum += e;
  }
  const sv = f32x4.splat(sum);
  j = 0;
  for (; j < vecEnd; j += 4) {
    const at = (<usize>j) << 2;
    v128.store(p + at, f32x4.div(v128.load(p + at), sv));
  }
  for (; j < count; j++) {
    const at = (<usize>j) << 2;
    store<f32>(p + at, load<f32>(p + at) / sum);
  }
  memory.fill(p + ((<usize>count) << 2), 0, (<usize>(t - count)) << 2);
}

/**
 * y [batch, t, heads·hd] and probs [batch, heads, t, t] from qkv [batch, t, 3·heads·hd]:
 * probs[b,h,i,j] = softmax_j≤i(q_i·k_j · scale), y[b,i,h] = Σ_j≤i probs[b,h,i,j] · v_j.
 */
export function attentionForward(
  qkv: usize,
  y: usize,
  probs: usize,
  batch: i32,
  t: i32,
  heads: i32,
  hd: i32,
  scale: f32,
): void {
  const d = heads * hd;
  const stride = 3 * d;
  const rowBytes = (<usize>stride) << 2;
  const sv = f32x4.splat(scale);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const pHead = probs + ((<usize>((b * heads + h) * t * t)) << 2);
      const k0 = qkv + ((<usize>(b * t * stride + d + h * hd)) << 2);
      const v0 = k0 + ((<usize>d) << 2);
      for (let i = 0; i < t; i++) {
        const q = qkv + ((<usize>((b * t + i) * stride + h * hd)) << 2);
        const p = pHead + ((<usize>(i * t)) << 2);
        let mx = <f32>-Infinity;
        let j = 0;
        for (; j + 3 <= i; j += 4) {
          const s = f32x4.mul(dot4(q, k0 + <usize>j * rowBytes, rowBytes, hd), sv);
          v128.store(p + ((<usize>j) << 2), s);
          mx = max(
            mx,
            max(
              max(f32x4.extract_lane(s, 0), f32x4.extract_lane(s, 1)),
              max(f32x4.extract_lane(s, 2), f32x4.extract_lane(s, 3)),
            ),
          );
        }
        for (; j <= i; j++) {
          const s = dot(q, k0 + <usize>j * rowBytes, hd) * scale;
          store<f32>(p + ((<usize>j) << 2), s);
          mx = max(mx, s);
        }
        softmaxRow(p, i + 1, t, mx);
        const out = y + ((<usize>((b * t + i) * d + h * hd)) << 2);
        memory.fill(out, 0, (<usize>hd) << 2);
        j = 0;
        for (; j + 3 <= i; j += 4) {
          axpy4(out, v128.load(p + ((<usize>j) << 2)), v0 + <usize>j * rowBytes, rowBytes, hd);
        }
        for (; j <= i; j++) {
          axpy(out, load<f32>(p + ((<usize>j) << 2)), v0 + <usize>j * rowBytes, hd);
        }
      }
    }
  }
}

/**
 * dqkv [batch, t, 3·d] from dy [batch, t, d], with the forward's qkv and probs. With
 * dP_ij = dy_i·v_j and dS_ij = P_ij·(dP_ij - Σ_j P_ij·dP_ij)·scale: dq_i = Σ_j dS_ij·k_j,
 * dk_j = Σ_i dS_ij·q_i, dv_j = Σ_i P_ij·dy_i. `scratch` holds t floats (a row of dP, then of
 * dS).
 */
export function attentionBackward(
  dy: usize,
  qkv: usize,
  probs: usize,
  dqkv: usize,
  scratch: usize,
  batch: i32,
  t: i32,
  heads: i32,
  hd: i32,
  scale: f32,
): void {
  const d = heads * hd;
  const stride = 3 * d;
  const rowBytes = (<usize>stride) << 2;
  const dBytes = (<usize>d) << 2;
  memory.fill(dqkv, 0, (<usize>(batch * t * stride)) << 2);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const pHead = probs + ((<usize>((b * heads + h) * t * t)) << 2);
      const head = (<usize>(b * t * stride + h * hd)) << 2;
      const k0 = qkv + head + dBytes;
      const v0 = k0 + dBytes;
      const dk0 = dqkv + head + dBytes;
      const dv0 = dk0 + dBytes;
      for (let i = 0; i < t; i++) {
        const rowI = <usize>i * rowBytes;
        const q = qkv + head + rowI;
        const dq = dqkv + head + rowI;
        const g = dy + ((<usize>((b * t + i) * d + h * hd)) << 2);
        const p = pHead + ((<usize>(i * t)) << 2);
        let rowDot: f32 = 0;
        let j = 0;
        for (; j + 3 <= i; j += 4) {
          const dp = dot4(g, v0 + <usize>j * rowBytes, rowBytes, hd);
          v128.store(scratch + ((<usize>j) << 2), dp);
          const pv = f32x4.mul(v128.load(p + ((<usize>j) << 2)), dp);
          rowDot += f32x4.extract_lane(pv, 0);
          rowDot += f32x4.extract_lane(pv, 1);
          rowDot += f32x4.extract_lane(pv, 2);
          rowDot += f32x4.extract_lane(pv, 3);
        }
        for (; j <= i; j++) {
          const dp = dot(g, v0 + <usize>j * rowBytes, hd);
          store<f32>(scratch + ((<usize>j) << 2), dp);
          rowDot += load<f32>(p + ((<usize>j) << 2)) * dp;
        }
        // dS in place of dP: P·(dP - rowDot)·scale.
        const rv = f32x4.splat(rowDot);
        const sv = f32x4.splat(scale);
        j = 0;
        for (; j + 3 <= i; j += 4) {
          const at = (<usize>j) << 2;
          const ds = f32x4.mul(
            f32x4.mul(v128.load(p + at), f32x4.sub(v128.load(scratch + at), rv)),
            sv,
          );
          v128.store(scratch + at, ds);
          axpy4(dq, ds, k0 + <usize>j * rowBytes, rowBytes, hd);
        }
        for (; j <= i; j++) {
          const at = (<usize>j) << 2;
          const ds = load<f32>(p + at) * (load<f32>(scratch + at) - rowDot) * scale;
          store<f32>(scratch + at, ds);
          axpy(dq, ds, k0 + <usize>j * rowBytes, hd);
        }
        for (j = 0; j <= i; j++) {
          const rowJ = <usize>j * rowBytes;
          axpy(dk0 + rowJ, load<f32>(scratch + ((<usize>j) << 2)), q, hd);
          axpy(dv0 + rowJ, load<f32>(p + ((<usize>j) << 2)), g, hd);
        }
      }
    }
  }
}
