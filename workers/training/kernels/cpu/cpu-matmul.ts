// Matrix products over Float32Array that give exactly the bits of tfjs-cpu's BatchMatMul: it sums
// each output's k in blocks of K_BLOCK, each block's products in a double (ascending k), and adds
// every block's sum into the float32 result in block order. Each output here sees the same
// additions in the same order; only the loop nest differs, chosen so that the innermost loop
// walks contiguous memory (no transposed copies) and four rows share each load of the other
// operand. The golden vectors and the Python bridge are computed on that tfjs kernel, which is
// why these keep its order rather than a faster one.

/** tfjs-cpu's `blockSize` (backend_cpu.js), which its BatchMatMul blocks k by. */
export const K_BLOCK = 48;

/** c [m, n] = a [m, k] · b [k, n]. */
export function matMulNN(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const c = new Float32Array(m * n);
  const acc = new Float64Array(4 * n);
  for (let i0 = 0; i0 < m; i0 += 4) {
    const rows = Math.min(4, m - i0);
    for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
      const kEnd = Math.min(k0 + K_BLOCK, k);
      acc.fill(0);
      if (rows === 4) {
        const a0 = i0 * k;
        for (let kk = k0; kk < kEnd; kk++) {
          const x0 = a[a0 + kk]!;
          const x1 = a[a0 + k + kk]!;
          const x2 = a[a0 + 2 * k + kk]!;
          const x3 = a[a0 + 3 * k + kk]!;
          const bo = kk * n;
          for (let j = 0; j < n; j++) {
            const bv = b[bo + j]!;
            acc[j] += x0 * bv;
            acc[n + j] += x1 * bv;
            acc[2 * n + j] += x2 * bv;
            acc[3 * n + j] += x3 * bv;
          }
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const ao = (i0 + r) * k;
          for (let kk = k0; kk < kEnd; kk++) {
            const x = a[ao + kk]!;
            const bo = kk * n;
            for (let j = 0; j < n; j++) acc[r * n + j] += x * b[bo + j]!;
          }
        }
      }
      const co = i0 * n;
      for (let j = 0; j < rows * n; j++) c[co + j] += acc[j]!;
    }
  }
  return c;
}

/** c [m, n] = a [m, k] · bᵀ, b stored [n, k]: dot products of two contiguous rows. */
export function matMulNT(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const ao = i * k;
    const co = i * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k;
      for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
        const kEnd = Math.min(k0 + K_BLOCK, k);
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let kk = k0; kk < kEnd; kk++) {
          const x = a[ao + kk]!;
          s0 += x * b[b0 + kk]!;
          s1 += x * b[b0 + k + kk]!;
          s2 += x * b[b0 + 2 * k + kk]!;
          s3 += x * b[b0 + 3 * k + kk]!;
        }
        c[co + j] += s0;
        c[co + j + 1] += s1;
        c[co + j + 2] += s2;
        c[co + j + 3] += s3;
      }
    }
    for (; j < n; j++) {
      const bo = j * k;
      for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
        const kEnd = Math.min(k0 + K_BLOCK, k);
        let s = 0;
        for (let kk = k0; kk < kEnd; kk++) s += a[ao + kk]! * b[bo + kk]!;
        c[co + j] += s;
      }
    }
  }
  return c;
}

/** c [m, n] = aᵀ · b, a stored [k, m], b [k, n]: rows of both read in k order. */
export function matMulTN(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const c = new Float32Array(m * n);
  const acc = new Float64Array(m * n);
  for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
    const kEnd = Math.min(k0 + K_BLOCK, k);
    acc.fill(0);
    for (let kk = k0; kk < kEnd; kk++) {
      const ao = kk * m;
      const bo = kk * n;
      for (let i = 0; i < m; i++) {
        const x = a[ao + i]!;
        const o = i * n;
        for (let j = 0; j < n; j++) acc[o + j] += x * b[bo + j]!;
      }
    }
    for (let j = 0; j < m * n; j++) c[j] += acc[j]!;
  }
  return c;
}

/** out [n] = Σ_rows x [rows, n], each column in a double in row order (tfjs-cpu's Sum). */
export function columnSums(x: Float32Array, rows: number, n: number): Float32Array {
  const acc = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    for (let j = 0; j < n; j++) acc[j] += x[o + j]!;
  }
  return Float32Array.from(acc);
}
