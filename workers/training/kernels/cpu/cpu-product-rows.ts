// One product's output rows [r0, r1) in exactly the order of tfjs-cpu's BatchMatMul: it sums
// each output's k in blocks of K_BLOCK, each block's products in a double (ascending k), and adds
// every block's sum into the float32 result in block order. Each output here sees the same
// additions in the same order; only the loop nest differs: 4 × 4 outputs at a time, their
// sixteen sums in locals (registers) over a block, each operand first copied through its
// strides into panels of doubles (a transposed operand costs one strided copy, no transpose
// kernel). An output's bits depend on nothing but its own row and column, so any split of the
// rows (at multiples of 4, where the tiles start) gives the one-thread result: the pool of
// cpu-pool.ts relies on it. The golden vectors and the Python bridge are computed on
// that tfjs kernel, which is why these keep its order rather than a faster one.

/** tfjs-cpu's `blockSize` (backend_cpu.js), which its BatchMatMul blocks k by. */
export const K_BLOCK = 48;

/** c [m, n] = A · B with A(i, k) = a[i·ai + k·ak] and B(k, j) = b[k·bk + j·bj]. */
export interface ProductShape {
  readonly ai: number;
  readonly ak: number;
  readonly bk: number;
  readonly bj: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** Grow-only scratch for the packed panels, reused across calls (a product is ~1 MB of them). */
let panelsA = new Float64Array(0);
let panelsB = new Float64Array(0);

/**
 * Four-wide panels of doubles out of strided float32 data: lines [from, to) (from a multiple of 4
 * below to), line i's k-th value src[i·across + kk·along] at (i - from)·k + 4·kk + (i mod 4)
 * in `p`. A's rows (across ai, along ak) and B's columns (across bj, along bk) are both such
 * lines, so one loop packs both: the kernel then reads its four values of a k from one place,
 * whatever the strides, with no float32-to-double conversion per use.
 */
function packPanels(
  src: Float32Array,
  across: number,
  along: number,
  from: number,
  to: number,
  k: number,
  p: Float64Array,
): Float64Array {
  for (let i = from; i < to; i += 4) {
    const s0 = i * across;
    for (let kk = 0, o = (i - from) * k; kk < k; kk++, o += 4) {
      const at = s0 + kk * along;
      p[o] = src[at]!;
      p[o + 1] = src[at + across]!;
      p[o + 2] = src[at + 2 * across]!;
      p[o + 3] = src[at + 3 * across]!;
    }
  }
  return p;
}

/** A's rows [r0, r4) in panels of four rows (this thread's scratch, grown as needed). */
function packRows(a: Float32Array, ai: number, ak: number, r0: number, r4: number, k: number) {
  if (panelsA.length < (r4 - r0) * k) panelsA = new Float64Array((r4 - r0) * k);
  return packPanels(a, ai, ak, r0, r4, k, panelsA);
}

/**
 * B's columns [0, n4) the same way: column j + q's k-th value at j·k + 4·kk + q. Done once per
 * product by each thread, for all of its row ranges (the panels are this thread's scratch).
 */
export function packColumns(b: Float32Array, s: ProductShape): Float64Array {
  const n4 = s.n - (s.n % 4);
  if (panelsB.length < n4 * s.k) panelsB = new Float64Array(n4 * s.k);
  return packPanels(b, s.bj, s.bk, 0, n4, s.k, panelsB);
}

/**
 * Adds rows [r0, r1) of A · B into c (zero there beforehand), r0 a multiple of 4; `pb` is
 * packColumns(b, s). The 4 × 4 tiles read packed panels; the edges (rows past the last whole
 * four, columns past the last whole four) read the operands in place.
 */
export function productRows(
  a: Float32Array,
  b: Float32Array,
  pb: Float64Array,
  s: ProductShape,
  c: Float32Array,
  r0: number,
  r1: number,
): void {
  const { ai, ak, bk, bj, m, k, n } = s;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  const r4 = Math.min(r1, m4);
  const pa = packRows(a, ai, ak, r0, Math.max(r0, r4), k);
  for (let j = 0; j < n4; j += 4) {
    const bAt = j * k;
    for (let i = r0; i < r4; i += 4) {
      const aAt = (i - r0) * k;
      const c0 = i * n + j;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
        const kEnd = Math.min(k0 + K_BLOCK, k);
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let kk = k0; kk < kEnd; kk++) {
          const ao = aAt + 4 * kk;
          const bo = bAt + 4 * kk;
          const v0 = pb[bo]!,
            v1 = pb[bo + 1]!,
            v2 = pb[bo + 2]!,
            v3 = pb[bo + 3]!;
          const x0 = pa[ao]!,
            x1 = pa[ao + 1]!,
            x2 = pa[ao + 2]!,
            x3 = pa[ao + 3]!;
          s00 += x0 * v0;
          s01 += x0 * v1;
          s02 += x0 * v2;
          s03 += x0 * v3;
          s10 += x1 * v0;
          s11 += x1 * v1;
          s12 += x1 * v2;
          s13 += x1 * v3;
          s20 += x2 * v0;
          s21 += x2 * v1;
          s22 += x2 * v2;
          s23 += x2 * v3;
          s30 += x3 * v0;
          s31 += x3 * v1;
          s32 += x3 * v2;
          s33 += x3 * v3;
        }
        c[c0] += s00;
        c[c0 + 1] += s01;
        c[c0 + 2] += s02;
        c[c0 + 3] += s03;
        c[c1] += s10;
        c[c1 + 1] += s11;
        c[c1 + 2] += s12;
        c[c1 + 3] += s13;
        c[c2] += s20;
        c[c2 + 1] += s21;
        c[c2 + 2] += s22;
        c[c2 + 3] += s23;
        c[c3] += s30;
        c[c3 + 1] += s31;
        c[c3 + 2] += s32;
        c[c3 + 3] += s33;
      }
    }
  }
  // The edges, one output at a time in the same order.
  for (let i = r0; i < r1; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
        const kEnd = Math.min(k0 + K_BLOCK, k);
        let s = 0;
        for (let kk = k0; kk < kEnd; kk++) s += a[i * ai + kk * ak]! * b[kk * bk + j * bj]!;
        c[i * n + j] += s;
      }
    }
  }
}
