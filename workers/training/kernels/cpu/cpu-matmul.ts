import { productJob } from './cpu-pool-jobs';
import type { ProductShape } from './cpu-product-rows';
import { runJob } from './cpu-threads';

// The dense layers' three products through strides (no transposed copies), each the bits of
// tfjs-cpu's BatchMatMul (cpu-product-rows.ts says how), on the CPU pool's threads when the
// training worker started one (cpu-threads.ts), else on this thread: the same bits either way.

function product(a: Float32Array, b: Float32Array, s: ProductShape): Float32Array {
  return runJob(productJob(a, b, s))[0]!;
}

/** c [m, n] = a [m, k] · b [k, n]. */
export const matMulNN = (a: Float32Array, b: Float32Array, m: number, k: number, n: number) =>
  product(a, b, { ai: k, ak: 1, bk: n, bj: 1, m, k, n });

/** c [m, n] = a [m, k] · bᵀ, b stored [n, k]. */
export const matMulNT = (a: Float32Array, b: Float32Array, m: number, k: number, n: number) =>
  product(a, b, { ai: k, ak: 1, bk: 1, bj: k, m, k, n });

/** c [m, n] = aᵀ · b, a stored [k, m], b [k, n]. */
export const matMulTN = (a: Float32Array, b: Float32Array, m: number, k: number, n: number) =>
  product(a, b, { ai: 1, ak: m, bk: n, bj: 1, m, k, n });

/** out [n] = Σ_rows x [rows, n], each column in a double in row order (tfjs-cpu's Sum). */
export function columnSums(x: Float32Array, rows: number, n: number): Float32Array {
  const acc = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) acc[j] += x[o + j]!;
  }
  return Float32Array.from(acc);
}
