import { expInPlace } from './cpu-exp';

// GPT-2's tanh GELU and its slope, each element in doubles, rounded once to float32. 1 + tanh(u)
// and 1 − tanh²(u) come from e = exp(−2|u|) and r = 1/(1 + e): 1 + t is 2r for u ≥ 0 and 2er
// below, 1 − t² is 4er², neither a difference of nearly equal numbers. Each element depends on
// its own input only, so element ranges [from, to) are the unit the CPU pool splits
// (cpu-pool-jobs.ts), with the same bits whichever thread computes them.

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** Elements a pass: the exponentials of one pass stay in a small scratch array in cache. */
export const GELU_PASS = 512;
/**
 * This thread's scratch: a module's state is per thread (each helper worker loads its own copy
 * of this module), and a thread runs one range at a time, so no two ranges ever share it.
 */
const scratch = new Float64Array(GELU_PASS);

/** scratch[i] = exp(−2|u|) for the elements [from, from + count) of xs. */
function exponentials(xs: Float32Array, from: number, count: number): Float64Array {
  for (let i = 0; i < count; i++) {
    const v = xs[from + i]!;
    scratch[i] = -2 * Math.abs(C * (v + A * v * v * v));
  }
  expInPlace(scratch, count);
  return scratch;
}

/** y[i] = gelu(xs[i]) for i in [from, to). */
export function geluForwardRange(xs: Float32Array, y: Float32Array, from: number, to: number) {
  for (let at = from; at < to; at += GELU_PASS) {
    const count = Math.min(GELU_PASS, to - at);
    const e = exponentials(xs, at, count);
    for (let i = 0; i < count; i++) {
      const v = xs[at + i]!;
      const u = C * (v + A * v * v * v);
      y[at + i] = (0.5 * v * (u >= 0 ? 2 : 2 * e[i]!)) / (1 + e[i]!);
    }
  }
}

/** dx[i] = g[i] · gelu'(xs[i]) for i in [from, to). */
export function geluBackwardRange(
  g: Float32Array,
  xs: Float32Array,
  dx: Float32Array,
  from: number,
  to: number,
): void {
  for (let at = from; at < to; at += GELU_PASS) {
    const count = Math.min(GELU_PASS, to - at);
    const es = exponentials(xs, at, count);
    for (let i = 0; i < count; i++) {
      const v = xs[at + i]!;
      const u = C * (v + A * v * v * v);
      const e = es[i]!;
      const r = 1 / (1 + e);
      const onePlusT = u >= 0 ? 2 * r : 2 * e * r;
      dx[at + i] =
        g[at + i]! * (0.5 * onePlusT + 0.5 * v * (4 * e * r * r) * C * (1 + 3 * A * v * v));
    }
  }
}
