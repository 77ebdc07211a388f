import { expInPlace } from './cpu-exp';

// Row-parallel pieces of layer norm and softmax cross-entropy: each row's outputs depend on its
// own row only, so row ranges [from, to) are a unit the CPU pool splits (cpu-pool-jobs.ts)
// with the bits of one thread. The sums over rows (layer norm's dgamma and dbeta, the loss and
// its weights) stay whole on the training worker (cpu-layer-norm.ts, cpu-cross-entropy.ts).

/** Layer norm's arrays: x [rows, d], gamma and beta [d]; y [rows, d], mean and rstd [rows]. */
export interface LayerNormViews {
  readonly xs: Float32Array;
  readonly gs: Float32Array;
  readonly bs: Float32Array;
  readonly y: Float32Array;
  readonly means: Float32Array;
  readonly rstds: Float32Array;
}

/** Rows [from, to): y, each row's mean and 1/√(var + ε); each row's sums in a double, in order. */
export function layerNormRows(
  { xs, gs, bs, y, means, rstds }: LayerNormViews,
  d: number,
  epsilon: number,
  from: number,
  to: number,
): void {
  for (let r = from; r < to; r++) {
    const o = r * d;
    let sum = 0;
    for (let c = 0; c < d; c++) sum += xs[o + c]!;
    const mean = sum / d;
    let squares = 0;
    for (let c = 0; c < d; c++) {
      const centred = xs[o + c]! - mean;
      squares += centred * centred;
    }
    const rstd = 1 / Math.sqrt(squares / d + epsilon);
    for (let c = 0; c < d; c++) y[o + c] = (xs[o + c]! - mean) * rstd * gs[c]! + bs[c]!;
    means[r] = mean;
    rstds[r] = rstd;
  }
}

/** Cross-entropy's gradient arrays: logits [rows, vocab], targets (as floats), weights, lse. */
export interface CrossEntropyGradViews {
  readonly x: Float32Array;
  readonly targets: Float32Array;
  readonly weights: Float32Array;
  readonly lse: Float32Array;
  readonly dx: Float32Array;
}

/** Rows [from, to) of dlogits: softmax − one-hot, times the row's weight and `factor`. */
export function crossEntropyGradRows(
  { x, targets, weights, lse, dx }: CrossEntropyGradViews,
  vocab: number,
  factor: number,
  from: number,
  to: number,
): void {
  const shifted = new Float64Array(vocab);
  for (let r = from; r < to; r++) {
    const o = r * vocab;
    const w = weights[r]! * factor;
    const rowLse = lse[r]!;
    const target = targets[r]!;
    for (let j = 0; j < vocab; j++) shifted[j] = x[o + j]! - rowLse;
    expInPlace(shifted, vocab);
    for (let j = 0; j < vocab; j++) dx[o + j] = shifted[j]! * w;
    dx[o + target] = (shifted[target]! - 1) * w;
  }
}
