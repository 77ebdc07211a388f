import { expV, lanesSum, logD, loadTail, storeTail } from './simd-math';

// Softmax cross-entropy of integer targets, with optional per-row weights (the transformer's
// padding mask): loss = Σ_i w_i·(lse_i - x[i, t_i]) / max(Σ_i w_i, 1), or the mean over rows
// without weights; lse_i = max_i + ln Σ_j exp(x_ij - max_i). Both sums over rows run in row
// order in f64; each row's Σ_j in four f32 lanes, then its tail. A target outside [0, v)
// returns its row + 1 (0 when all are in range) and writes nothing meaningful.

function rowMax(x: usize, v: i32): f32 {
  let acc = f32x4.splat(<f32>-Infinity);
  const vecEnd = v & ~3;
  let j = 0;
  for (; j < vecEnd; j += 4) acc = f32x4.max(acc, v128.load(x + ((<usize>j) << 2)));
  let mx = max(
    max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)),
    max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)),
  );
  for (; j < v; j++) mx = max(mx, load<f32>(x + ((<usize>j) << 2)));
  return mx;
}

function rowSumExp(x: usize, v: i32, mx: f32): f32 {
  const mv = f32x4.splat(mx);
  let acc = f32x4.splat(0);
  const vecEnd = v & ~3;
  let j = 0;
  for (; j < vecEnd; j += 4) {
    acc = f32x4.add(acc, expV(f32x4.sub(v128.load(x + ((<usize>j) << 2)), mv)));
  }
  let sum = lanesSum(acc);
  for (; j < v; j++) {
    sum += f32x4.extract_lane(expV(f32x4.splat(load<f32>(x + ((<usize>j) << 2)) - mx)), 0);
  }
  return sum;
}

function badTarget(targets: usize, rows: i32, v: i32): i32 {
  for (let i = 0; i < rows; i++) {
    const target = load<i32>(targets + ((<usize>i) << 2));
    if (target < 0 || target >= v) return i + 1;
  }
  return 0;
}

/** Writes loss (one float) and lse [rows]; `weights` 0 means none. */
export function crossEntropyForward(
  logits: usize,
  targets: usize,
  weights: usize,
  loss: usize,
  lse: usize,
  rows: i32,
  v: i32,
): i32 {
  const bad = badTarget(targets, rows, v);
  if (bad !== 0) return bad;
  let total: f64 = 0;
  let weightSum: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const x = logits + ((<usize>i * <usize>v) << 2);
    const mx = rowMax(x, v);
    const l = <f32>(<f64>mx + logD(<f64>rowSumExp(x, v, mx)));
    store<f32>(lse + ((<usize>i) << 2), l);
    const target = load<i32>(targets + ((<usize>i) << 2));
    const nll = <f64>(l - load<f32>(x + ((<usize>target) << 2)));
    const w: f64 = weights === 0 ? 1 : <f64>load<f32>(weights + ((<usize>i) << 2));
    total += w * nll;
    weightSum += w;
  }
  const denom = weights === 0 ? <f64>rows : max(weightSum, 1);
  store<f32>(loss, <f32>(total / denom));
  return 0;
}

/** dlogits = (softmax(x) - onehot(t)) · w_i · dloss / denominator, from the forward's lse. */
export function crossEntropyBackward(
  dloss: usize,
  logits: usize,
  targets: usize,
  weights: usize,
  lse: usize,
  dlogits: usize,
  rows: i32,
  v: i32,
): void {
  let weightSum: f64 = 0;
  if (weights !== 0) {
    for (let i = 0; i < rows; i++) weightSum += <f64>load<f32>(weights + ((<usize>i) << 2));
  }
  const denom = weights === 0 ? <f64>rows : max(weightSum, 1);
  const g = <f64>load<f32>(dloss);
  const vecEnd = v & ~3;
  for (let i = 0; i < rows; i++) {
    const x = logits + ((<usize>i * <usize>v) << 2);
    const out = dlogits + ((<usize>i * <usize>v) << 2);
    const w: f64 = weights === 0 ? 1 : <f64>load<f32>(weights + ((<usize>i) << 2));
    const coef = <f32>((w * g) / denom);
    const cv = f32x4.splat(coef);
    const lv = f32x4.splat(load<f32>(lse + ((<usize>i) << 2)));
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = (<usize>j) << 2;
      v128.store(out + at, f32x4.mul(expV(f32x4.sub(v128.load(x + at), lv)), cv));
    }
    if (j < v) {
      const at = (<usize>j) << 2;
      storeTail(out + at, f32x4.mul(expV(f32x4.sub(loadTail(x + at, v - j), lv)), cv), v - j);
    }
    const target = load<i32>(targets + ((<usize>i) << 2));
    const xt = f32x4.splat(load<f32>(x + ((<usize>target) << 2)));
    const p = f32x4.extract_lane(expV(f32x4.sub(xt, lv)), 0);
    store<f32>(out + ((<usize>target) << 2), (p - 1) * coef);
  }
}
