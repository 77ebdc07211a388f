import { loadTail, storeTail } from './simd-math';

// The attention kernels' vector steps over one head's hd columns: dot products (four lanes,
// index mod 4, added (l0 + l2) + (l1 + l3)) and row updates, one row or four at a time. The
// four-row forms keep each row's order and bits: they only load the shared operand once.

// Each lane the sum of one of four vectors' lanes, (l0 + l2) + (l1 + l3).
function pairSums(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const u01 = f32x4.add(f32x4.shuffle(a0, a1, 0, 4, 1, 5), f32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const u23 = f32x4.add(f32x4.shuffle(a2, a3, 0, 4, 1, 5), f32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(u01, u23, 0, 1, 4, 5), f32x4.shuffle(u01, u23, 2, 3, 6, 7));
}

function pairSum(a: v128): f32 {
  return (
    f32x4.extract_lane(a, 0) +
    f32x4.extract_lane(a, 2) +
    (f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 3))
  );
}

export function dot(a: usize, b: usize, hd: i32): f32 {
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
  return pairSum(acc);
}

// a·b_k for the four rows b_k = b + k·stride (bytes), as one vector; each as dot() sums it.
export function dot4(a: usize, b: usize, stride: usize, hd: i32): v128 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const vecEnd = hd & ~3;
  let c = 0;
  for (; c < vecEnd; c += 4) {
    const at = (<usize>c) << 2;
    const av = v128.load(a + at);
    const bk = b + at;
    s0 = f32x4.add(s0, f32x4.mul(av, v128.load(bk)));
    s1 = f32x4.add(s1, f32x4.mul(av, v128.load(bk + stride)));
    s2 = f32x4.add(s2, f32x4.mul(av, v128.load(bk + 2 * stride)));
    s3 = f32x4.add(s3, f32x4.mul(av, v128.load(bk + 3 * stride)));
  }
  if (c < hd) {
    const at = (<usize>c) << 2;
    const n = hd - c;
    const av = loadTail(a + at, n);
    const bk = b + at;
    s0 = f32x4.add(s0, f32x4.mul(av, loadTail(bk, n)));
    s1 = f32x4.add(s1, f32x4.mul(av, loadTail(bk + stride, n)));
    s2 = f32x4.add(s2, f32x4.mul(av, loadTail(bk + 2 * stride, n)));
    s3 = f32x4.add(s3, f32x4.mul(av, loadTail(bk + 3 * stride, n)));
  }
  return pairSums(s0, s1, s2, s3);
}

// out[0..hd) += s · x[0..hd)
export function axpy(out: usize, s: f32, x: usize, hd: i32): void {
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

// out += s_0·x_0, then s_1·x_1, s_2·x_2, s_3·x_3 (x_k = x + k·stride bytes): four axpy in a
// row, the same order and bits, with out loaded and stored once.
export function axpy4(out: usize, s: v128, x: usize, stride: usize, hd: i32): void {
  const s0 = f32x4.splat(f32x4.extract_lane(s, 0));
  const s1 = f32x4.splat(f32x4.extract_lane(s, 1));
  const s2 = f32x4.splat(f32x4.extract_lane(s, 2));
  const s3 = f32x4.splat(f32x4.extract_lane(s, 3));
  const vecEnd = hd & ~3;
  let c = 0;
  for (; c < vecEnd; c += 4) {
    const at = (<usize>c) << 2;
    const xk = x + at;
    let acc = f32x4.add(v128.load(out + at), f32x4.mul(s0, v128.load(xk)));
    acc = f32x4.add(acc, f32x4.mul(s1, v128.load(xk + stride)));
    acc = f32x4.add(acc, f32x4.mul(s2, v128.load(xk + 2 * stride)));
    v128.store(out + at, f32x4.add(acc, f32x4.mul(s3, v128.load(xk + 3 * stride))));
  }
  if (c < hd) {
    const at = (<usize>c) << 2;
    const n = hd - c;
    const xk = x + at;
    let acc = f32x4.add(loadTail(out + at, n), f32x4.mul(s0, loadTail(xk, n)));
    acc = f32x4.add(acc, f32x4.mul(s1, loadTail(xk + stride, n)));
    acc = f32x4.add(acc, f32x4.mul(s2, loadTail(xk + 2 * stride, n)));
    storeTail(out + at, f32x4.add(acc, f32x4.mul(s3, loadTail(xk + 3 * stride, n))), n);
  }
}
