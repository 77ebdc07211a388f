// The sums causal attention is made of, each in a double in one fixed order (cpu-attention-rows.ts
// calls them for each (batch, head)): kept apart so that the kernel's math is written once.

/** s[j] = a · x_j (x_j = x[at + j·stride], length hd) for j in [0, count): four rows at a time. */
export function dots(
  x: Float32Array,
  a: number,
  at: number,
  stride: number,
  count: number,
  hd: number,
  s: Float64Array,
  y: Float32Array = x,
): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const o0 = at + j * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < hd; c++) {
      const q = y[a + c]!;
      s0 += q * x[o0 + c]!;
      s1 += q * x[o1 + c]!;
      s2 += q * x[o2 + c]!;
      s3 += q * x[o3 + c]!;
    }
    s[j] = s0;
    s[j + 1] = s1;
    s[j + 2] = s2;
    s[j + 3] = s3;
  }
  for (; j < count; j++) {
    const o = at + j * stride;
    let sum = 0;
    for (let c = 0; c < hd; c++) sum += y[a + c]! * x[o + c]!;
    s[j] = sum;
  }
}

/**
 * acc[c] += Σ_j w[j]·x_j[c] over j in [0, count), j ascending (four rows a pass, added one after
 * the other: the same order as one row at a time).
 */
export function weightedSum(
  x: Float32Array,
  at: number,
  stride: number,
  w: ArrayLike<number>,
  wAt: number,
  count: number,
  hd: number,
  acc: Float64Array,
): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const o0 = at + j * stride;
    const o1 = o0 + stride;
    const o2 = o1 + stride;
    const o3 = o2 + stride;
    const w0 = w[wAt + j]!;
    const w1 = w[wAt + j + 1]!;
    const w2 = w[wAt + j + 2]!;
    const w3 = w[wAt + j + 3]!;
    for (let c = 0; c < hd; c++) {
      acc[c] = acc[c]! + w0 * x[o0 + c]! + w1 * x[o1 + c]! + w2 * x[o2 + c]! + w3 * x[o3 + c]!;
    }
  }
  for (; j < count; j++) {
    const o = at + j * stride;
    const wj = w[wAt + j]!;
    for (let c = 0; c < hd; c++) acc[c] += wj * x[o + c]!;
  }
}

/**
 * out[j·outStride + c] = Σ_{i ≥ j} w[i·t + j]·x[i·xStride + c] for j in [0, t), c in [0, hd): i ascending in
 * a double, four columns held in locals over all i (the attention gradient's dk and dv, summed
 * in the order the rows i produce them, without a read and write of memory per term).
 */
export function columnWeightedSums(
  w: ArrayLike<number>,
  wAt: number,
  x: Float32Array,
  xAt: number,
  xStride: number,
  t: number,
  hd: number,
  out: Float32Array,
  outAt: number,
  outStride: number,
): void {
  const hd4 = hd - (hd % 4);
  for (let j = 0; j < t; j++) {
    const oo = outAt + j * outStride;
    for (let c = 0; c < hd4; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = j; i < t; i++) {
        const wij = w[wAt + i * t + j]!;
        const xo = xAt + i * xStride + c;
        s0 += wij * x[xo]!;
        s1 += wij * x[xo + 1]!;
        s2 += wij * x[xo + 2]!;
        s3 += wij * x[xo + 3]!;
      }
      out[oo + c] = s0;
      out[oo + c + 1] = s1;
      out[oo + c + 2] = s2;
      out[oo + c + 3] = s3;
    }
    for (let c = hd4; c < hd; c++) {
      let s = 0;
      for (let i = j; i < t; i++) s += w[wAt + i * t + j]! * x[xAt + i * xStride + c]!;
      out[oo + c] = s;
    }
  }
}
