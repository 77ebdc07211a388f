import { lanesSum, loadTail, storeTail } from './simd-math';

// Row-wise memory kernels: the embedding lookup and its gradient, column sums (a bias's
// gradient), sums of squares (the gradient's global norm) and a 2-D transpose. Sums over rows
// run in row order, so the same inputs give the same bits.

// out[0..n) += x[0..n)
function addRow(out: usize, x: usize, n: i32): void {
  const vecEnd = n & ~3;
  let c = 0;
  for (; c < vecEnd; c += 4) {
    const at = (<usize>c) << 2;
    v128.store(out + at, f32x4.add(v128.load(out + at), v128.load(x + at)));
  }
  if (c < n) {
    const at = (<usize>c) << 2;
    storeTail(out + at, f32x4.add(loadTail(out + at, n - c), loadTail(x + at, n - c)), n - c);
  }
}

/** The first row whose id is outside [0, vocab), + 1; 0 when every id is in range. */
function badId(ids: usize, rows: i32, vocab: i32): i32 {
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ids + ((<usize>i) << 2));
    if (id < 0 || id >= vocab) return i + 1;
  }
  return 0;
}

/**
 * out[i] = table[ids[i]] (+ positions[i % period] when positions is not 0), rows of d floats.
 * Returns badId's answer and writes nothing when it is not 0.
 */
export function embeddingForward(
  ids: usize,
  table: usize,
  positions: usize,
  out: usize,
  rows: i32,
  period: i32,
  d: i32,
  vocab: i32,
): i32 {
  const bad = badId(ids, rows, vocab);
  if (bad !== 0) return bad;
  const bytes = (<usize>d) << 2;
  for (let i = 0; i < rows; i++) {
    const dst = out + <usize>i * bytes;
    const id = load<i32>(ids + ((<usize>i) << 2));
    memory.copy(dst, table + <usize>id * bytes, bytes);
    if (positions !== 0) addRow(dst, positions + <usize>(i % period) * bytes, d);
  }
  return 0;
}

/**
 * dtable [vocab, d]: row ids[i] gets dy[i], i in order; dpositions [period, d] (when not 0):
 * row i % period gets dy[i], i in order. Ids are the forward's, already checked.
 */
export function embeddingBackward(
  dy: usize,
  ids: usize,
  dtable: usize,
  dpositions: usize,
  rows: i32,
  period: i32,
  d: i32,
  vocab: i32,
): void {
  const bytes = (<usize>d) << 2;
  memory.fill(dtable, 0, <usize>vocab * bytes);
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ids + ((<usize>i) << 2));
    addRow(dtable + <usize>id * bytes, dy + <usize>i * bytes, d);
  }
  if (dpositions === 0) return;
  memory.fill(dpositions, 0, <usize>period * bytes);
  for (let i = 0; i < rows; i++) {
    addRow(dpositions + <usize>(i % period) * bytes, dy + <usize>i * bytes, d);
  }
}

/** out[c] = Σ_r x[r, c], r in order: a bias's gradient from the rows of dy. */
export function columnSum(x: usize, out: usize, rows: i32, cols: i32): void {
  const bytes = (<usize>cols) << 2;
  memory.fill(out, 0, bytes);
  for (let r = 0; r < rows; r++) addRow(out, x + <usize>r * bytes, cols);
}

/** Σ x_i² over n floats: four lanes over i in steps of 4, summed (l0 + l1) + (l2 + l3), then the tail. */
export function sumSquares(x: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  const vecEnd = n & ~3;
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  let sum = lanesSum(acc);
  for (; i < n; i++) {
    const v = load<f32>(x + ((<usize>i) << 2));
    sum += v * v;
  }
  return sum;
}

/** out [cols, rows] = xᵀ, x [rows, cols]; 4 × 4 blocks through registers, the edges one by one. */
export function transpose2d(x: usize, out: usize, rows: i32, cols: i32): void {
  const rEnd = rows & ~3;
  const cEnd = cols & ~3;
  const inRow = (<usize>cols) << 2;
  const outRow = (<usize>rows) << 2;
  for (let r = 0; r < rEnd; r += 4) {
    const src = x + <usize>r * inRow;
    for (let c = 0; c < cEnd; c += 4) {
      const at = src + ((<usize>c) << 2);
      const a = v128.load(at);
      const b = v128.load(at + inRow);
      const e = v128.load(at + 2 * inRow);
      const f = v128.load(at + 3 * inRow);
      const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
      const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ef01 = f32x4.shuffle(e, f, 0, 4, 1, 5);
      const ef23 = f32x4.shuffle(e, f, 2, 6, 3, 7);
      const dst = out + <usize>c * outRow + ((<usize>r) << 2);
      v128.store(dst, f32x4.shuffle(ab01, ef01, 0, 1, 4, 5));
      v128.store(dst + outRow, f32x4.shuffle(ab01, ef01, 2, 3, 6, 7));
      v128.store(dst + 2 * outRow, f32x4.shuffle(ab23, ef23, 0, 1, 4, 5));
      v128.store(dst + 3 * outRow, f32x4.shuffle(ab23, ef23, 2, 3, 6, 7));
    }
    for (let c = cEnd; c < cols; c++) {
      for (let k = 0; k < 4; k++) {
        const value = load<f32>(x + <usize>(r + k) * inRow + ((<usize>c) << 2));
        store<f32>(out + <usize>c * outRow + ((<usize>(r + k)) << 2), value);
      }
    }
  }
  for (let r = rEnd; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const value = load<f32>(x + <usize>r * inRow + ((<usize>c) << 2));
      store<f32>(out + <usize>c * outRow + ((<usize>r) << 2), value);
    }
  }
}
