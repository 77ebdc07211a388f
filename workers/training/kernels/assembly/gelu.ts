import { expNeg2Abs, loadTail, onePlusTanhFrom, storeTail, twoOverOnePlus } from './simd-math';

// GELU, tanh approximation (GPT-2's): y = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³),
// with x³ as x·x·x, and 1 + tanh(u) and 1 - tanh²(u) from e = exp(-2|u|) without cancelling
// (simd-math.ts): more exact than the composite's tanh where it saturates. Four floats at a
// time; the last n % 4 through the same vector code.
const A: f32 = 0.044715;
const C: f32 = 0.7978845608; // √(2/π)

function innerV(x: v128): v128 {
  const x3 = f32x4.mul(f32x4.mul(x, x), x);
  return f32x4.mul(f32x4.add(x, f32x4.mul(x3, f32x4.splat(A))), f32x4.splat(C));
}

function geluV(x: v128): v128 {
  const u = innerV(x);
  const e = expNeg2Abs(u);
  const r = twoOverOnePlus(e);
  return f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), onePlusTanhFrom(u, e, r));
}

/**
 * gelu'(x) = 0.5·(1 + t) + 0.5·x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²), t the forward's tanh
 * recomputed from x, and 1 - t² from the same exponential rather than from t.
 */
function geluSlopeV(x: v128): v128 {
  const half = f32x4.splat(0.5);
  const one = f32x4.splat(1);
  const u = innerV(x);
  const e = expNeg2Abs(u);
  const r = twoOverOnePlus(e);
  const inner = f32x4.mul(
    f32x4.splat(C),
    f32x4.add(one, f32x4.mul(f32x4.splat(3 * A), f32x4.mul(x, x))),
  );
  const sech2 = f32x4.mul(f32x4.mul(r, r), e);
  return f32x4.add(
    f32x4.mul(half, onePlusTanhFrom(u, e, r)),
    f32x4.mul(f32x4.mul(f32x4.mul(half, x), sech2), inner),
  );
}

/** y = gelu(x) over n floats. */
export function geluForward(x: usize, y: usize, n: i32): void {
  const vecEnd = n & ~3;
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(y + at, geluV(v128.load(x + at)));
  }
  const at = (<usize>i) << 2;
  if (i < n) storeTail(y + at, geluV(loadTail(x + at, n - i)), n - i);
}

/** dx = dy · gelu'(x) over n floats. */
export function geluBackward(dy: usize, x: usize, dx: usize, n: i32): void {
  const vecEnd = n & ~3;
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(dx + at, f32x4.mul(v128.load(dy + at), geluSlopeV(v128.load(x + at))));
  }
  const at = (<usize>i) << 2;
  const rest = n - i;
  if (rest > 0) {
    const d = f32x4.mul(loadTail(dy + at, rest), geluSlopeV(loadTail(x + at, rest)));
    storeTail(dx + at, d, rest);
  }
}
