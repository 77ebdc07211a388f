import { expV, lanesSum, loadTail, storeTail } from './simd-math';

// Causal multi-head self-attention, the whole scores → mask → softmax → mix in one pass, read
// straight out of the qkv projection [batch, t, 3·d] (q, k, v side by side; head h in columns
// h·hd to (h+1)·hd of each) and written with the heads merged, [batch, t, d]: no split, no
// transposes, no mask tensor. Positions after i are skipped rather than masked; their
// probabilities are written as 0, which is what an additive -1e9 mask gives after softmax.
// Every sum runs in index order (j, then i), so the same inputs give the same bits.

function dot(a: usize, b: usize, hd: i32): f32 {
  let acc = f32x4.splat(0);
  const vecEnd = hd & ~3;
  let c = 0;
  for (; c < vecEnd; c += 4) {
    const at = (<usize>c) << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(a + at), v128.load(b + at)));
  }
  if (c < hd) {
    const at = (<usize>c) << 2;
    acc = f32x4.add(acc, f32x4.mul(loadTail(a + at, hd - c), loadTail(b + at, hd - c)));
  }
  return lanesSum(acc);
}

// out[0..hd) += s · x[0..hd)
function axpy(out: usize, s: f32, x: usize, hd: i32): void {
  const sv = f32x4.splat(s);
  const vecEnd = hd & ~3;
  let c = 0;
  for (; c < vecEnd; c += 4) {
    const at = (<usize>c) << 2;
    v128.store(out + at, f32x4.add(v128.load(out + at), f32x4.mul(sv, v128.load(x + at))));
  }
  if (c < hd) {
    const at = (<usize>c) << 2;
    const n = hd - c;
    storeTail(out + at, f32x4.add(loadTail(out + at, n), f32x4.mul(sv, loadTail(x + at, n))), n);
  }
}

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
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const pHead = probs + ((<usize>((b * heads + h) * t * t)) << 2);
      for (let i = 0; i < t; i++) {
        const q = qkv + ((<usize>((b * t + i) * stride + h * hd)) << 2);
        const p = pHead + ((<usize>(i * t)) << 2);
        let mx = <f32>-Infinity;
        for (let j = 0; j <= i; j++) {
          const k = qkv + ((<usize>((b * t + j) * stride + d + h * hd)) << 2);
          const s = dot(q, k, hd) * scale;
          store<f32>(p + ((<usize>j) << 2), s);
          mx = max(mx, s);
        }
        softmaxRow(p, i + 1, t, mx);
        const out = y + ((<usize>((b * t + i) * d + h * hd)) << 2);
        memory.fill(out, 0, (<usize>hd) << 2);
        for (let j = 0; j <= i; j++) {
          const v = qkv + ((<usize>((b * t + j) * stride + 2 * d + h * hd)) << 2);
          axpy(out, load<f32>(p + ((<usize>j) << 2)), v, hd);
        }
      }
    }
  }
}

/**
 * dqkv [batch, t, 3·d] from dy [batch, t, d], with the forward's qkv and probs. With
 * dP_ij = dy_i·v_j and dS_ij = P_ij·(dP_ij - Σ_j P_ij·dP_ij)·scale: dq_i = Σ_j dS_ij·k_j,
 * dk_j = Σ_i dS_ij·q_i, dv_j = Σ_i P_ij·dy_i. `scratch` holds t floats (one row of dP).
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
  memory.fill(dqkv, 0, (<usize>(batch * t * stride)) << 2);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const pHead = probs + ((<usize>((b * heads + h) * t * t)) << 2);
      for (let i = 0; i < t; i++) {
        const rowI = (b * t + i) * stride + h * hd;
        const q = qkv + ((<usize>rowI) << 2);
        const dq = dqkv + ((<usize>rowI) << 2);
        const g = dy + ((<usize>((b * t + i) * d + h * hd)) << 2);
        const p = pHead + ((<usize>(i * t)) << 2);
        let rowDot: f32 = 0;
        for (let j = 0; j <= i; j++) {
          const v = qkv + ((<usize>((b * t + j) * stride + 2 * d + h * hd)) << 2);
          const dp = dot(g, v, hd);
          store<f32>(scratch + ((<usize>j) << 2), dp);
          rowDot += load<f32>(p + ((<usize>j) << 2)) * dp;
        }
        for (let j = 0; j <= i; j++) {
          const pj = load<f32>(p + ((<usize>j) << 2));
          const ds = pj * (load<f32>(scratch + ((<usize>j) << 2)) - rowDot) * scale;
          const rowJ = (b * t + j) * stride + h * hd;
          axpy(dq, ds, qkv + ((<usize>(rowJ + d)) << 2), hd);
          axpy(dqkv + ((<usize>(rowJ + d)) << 2), ds, q, hd);
          axpy(dqkv + ((<usize>(rowJ + 2 * d)) << 2), pj, g, hd);
        }
      }
    }
  }
}
