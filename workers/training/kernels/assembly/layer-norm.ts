// AssemblyScript, compiled by `npm run kernels` into a module that imports tfjs-backend-wasm's
// own memory: every pointer is a byte offset of a tensor tfjs allocated there. Rules that keep
// this safe inside another program's memory: no static data (no strings, no constant arrays:
// a data segment would be written over tfjs's heap at instantiation), no allocation (the stub
// runtime is never called), no memory.grow. Each kernel runs on the calling thread, in a fixed
// order, so the same inputs give the same bits.

import { lanesSum } from './simd-math';

/**
 * y = (x - mean) / sqrt(var + eps) * gamma + beta over the last axis, rows × d floats, with
 * var the biased variance (as tf.moments gives). Writes each row's mean and 1/sqrt(var + eps)
 * for the backward pass.
 */
export function layerNormForward(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  d: i32,
  eps: f32,
): void {
  const vecEnd = d & ~3;
  const size = <f32>d;
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * <usize>d) << 2);
    const yr = y + ((<usize>r * <usize>d) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i < vecEnd; i += 4) acc = f32x4.add(acc, v128.load(xr + ((<usize>i) << 2)));
    let sum = lanesSum(acc);
    for (; i < d; i++) sum += load<f32>(xr + ((<usize>i) << 2));
    const m = sum / size;

    const mv = f32x4.splat(m);
    acc = f32x4.splat(0);
    i = 0;
    for (; i < vecEnd; i += 4) {
      const dev = f32x4.sub(v128.load(xr + ((<usize>i) << 2)), mv);
      acc = f32x4.add(acc, f32x4.mul(dev, dev));
    }
    let squares = lanesSum(acc);
    for (; i < d; i++) {
      const dev = load<f32>(xr + ((<usize>i) << 2)) - m;
      squares += dev * dev;
    }
    const std = Mathf.sqrt(squares / size + eps);
    store<f32>(mean + ((<usize>r) << 2), m);
    store<f32>(rstd + ((<usize>r) << 2), <f32>1 / std);

    const sv = f32x4.splat(std);
    i = 0;
    for (; i < vecEnd; i += 4) {
      const at = (<usize>i) << 2;
      const norm = f32x4.div(f32x4.sub(v128.load(xr + at), mv), sv);
      const out = f32x4.add(f32x4.mul(norm, v128.load(gamma + at)), v128.load(beta + at));
      v128.store(yr + at, out);
    }
    for (; i < d; i++) {
      const at = (<usize>i) << 2;
      const norm = (load<f32>(xr + at) - m) / std;
      store<f32>(yr + at, norm * load<f32>(gamma + at) + load<f32>(beta + at));
    }
  }
}

/**
 * The gradients of layerNormForward from dy: with x̂ = (x - mean)·rstd and g = dy·gamma,
 * dx = rstd·(g - mean(g) - x̂·mean(g·x̂)), dgamma = Σ_rows dy·x̂, dbeta = Σ_rows dy. The sums
 * over rows run in row order, so they are the same on every run.
 */
export function layerNormBackward(
  dy: usize,
  x: usize,
  gamma: usize,
  mean: usize,
  rstd: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  d: i32,
): void {
  const vecEnd = d & ~3;
  const size = <f32>d;
  memory.fill(dgamma, 0, (<usize>d) << 2);
  memory.fill(dbeta, 0, (<usize>d) << 2);
  for (let r = 0; r < rows; r++) {
    const offset = (<usize>r * <usize>d) << 2;
    const dyr = dy + offset;
    const xr = x + offset;
    const dxr = dx + offset;
    const m = load<f32>(mean + ((<usize>r) << 2));
    const rs = load<f32>(rstd + ((<usize>r) << 2));
    const mv = f32x4.splat(m);
    const rv = f32x4.splat(rs);

    let accG = f32x4.splat(0);
    let accGX = f32x4.splat(0);
    let i = 0;
    for (; i < vecEnd; i += 4) {
      const at = (<usize>i) << 2;
      const dyv = v128.load(dyr + at);
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + at), mv), rv);
      const g = f32x4.mul(dyv, v128.load(gamma + at));
      accG = f32x4.add(accG, g);
      accGX = f32x4.add(accGX, f32x4.mul(g, xhat));
      v128.store(dgamma + at, f32x4.add(v128.load(dgamma + at), f32x4.mul(dyv, xhat)));
      v128.store(dbeta + at, f32x4.add(v128.load(dbeta + at), dyv));
    }
    let sumG = lanesSum(accG);
    let sumGX = lanesSum(accGX);
    for (; i < d; i++) {
      const at = (<usize>i) << 2;
      const dyi = load<f32>(dyr + at);
      const xhat = (load<f32>(xr + at) - m) * rs;
      const g = dyi * load<f32>(gamma + at);
      sumG += g;
      sumGX += g * xhat;
      store<f32>(dgamma + at, load<f32>(dgamma + at) + dyi * xhat);
      store<f32>(dbeta + at, load<f32>(dbeta + at) + dyi);
    }

    const meanG = sumG / size;
    const meanGX = sumGX / size;
    const mgv = f32x4.splat(meanG);
    const mgxv = f32x4.splat(meanGX);
    i = 0;
    for (; i < vecEnd; i += 4) {
      const at = (<usize>i) << 2;
      const xhat = f32x4.mul(f32x4.sub(v128.load(xr + at), mv), rv);
      const g = f32x4.mul(v128.load(dyr + at), v128.load(gamma + at));
      const inner = f32x4.sub(f32x4.sub(g, mgv), f32x4.mul(xhat, mgxv));
      v128.store(dxr + at, f32x4.mul(rv, inner));
    }
    for (; i < d; i++) {
      const at = (<usize>i) << 2;
      const xhat = (load<f32>(xr + at) - m) * rs;
      const g = load<f32>(dyr + at) * load<f32>(gamma + at);
      store<f32>(dxr + at, rs * (g - meanG - xhat * meanGX));
    }
  }
}
