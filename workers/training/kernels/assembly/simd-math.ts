// Elementwise math the kernels share, written out so the module has no data segment:
// AssemblyScript's own Mathf.exp and Mathf.log read lookup tables at -O3 (static data, which
// would be written over tfjs's heap). Every function is a fixed sequence of IEEE operations
// (no relaxed SIMD, no fused multiply-add), so it gives the same bits on every machine, and a
// lane of expV equals expS of the same input.

// Four lanes summed in a fixed order: (l0 + l1) + (l2 + l3).
export function lanesSum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

// exp(x) = 2^n · e^r with n = round(x / ln 2) and r = x - n·ln 2 (ln 2 in two parts, so r is
// exact), e^r by its Taylor polynomial to degree 7 (|r| ≤ 0.347: error under 1 ulp of e^r).
// Inputs are clamped to [-87.3, 88.7]: below, the result is the smallest normal float rather
// than a denormal or 0; above, the largest power of two is infinite. NaN stays NaN (pmin and
// pmax return their first operand when a comparison with NaN fails). n is rounded by adding
// 1.5·2²³, which leaves round-half-even's integer in the low bits of the sum: cheaper in V8
// than nearest and a saturating conversion, and the same n.
const EXP_LO: f32 = -87.33654;
const EXP_HI: f32 = 88.72283;
const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const ROUNDER: f32 = 12582912;
const ROUNDER_BITS: i32 = 0x4b400000;
const C7: f32 = 1.98412698e-4;
const C6: f32 = 1.38888889e-3;
const C5: f32 = 8.33333333e-3;
const C4: f32 = 4.16666667e-2;
const C3: f32 = 1.66666667e-1;
const C2: f32 = 0.5;

export function expV(x: v128): v128 {
  const c = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const t = f32x4.add(f32x4.mul(c, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(t, f32x4.splat(ROUNDER));
  let r = f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(C7);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(C6));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(C5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(C4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(C3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(C2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  const exponent = i32x4.add(i32x4.sub(t, i32x4.splat(ROUNDER_BITS)), i32x4.splat(127));
  return f32x4.mul(p, i32x4.shl(exponent, 23));
}

// One lane of expV: the same bits, and no float-to-int conversion that could trap on NaN.
export function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

// 1 + tanh(u) and 1 - tanh²(u) from e = exp(-2|u|) ≤ 1, which GELU needs rather than tanh
// itself: computed from t = tanh(u) both cancel where t nears ∓1 and lose the bits a gradient
// needs; from e neither does, and both reach their limits (0, 2) exactly for large |u|.
export function expNeg2Abs(u: v128): v128 {
  const a = f32x4.abs(u);
  return expV(f32x4.neg(f32x4.add(a, a)));
}

// 1 + tanh(u) from r = 2/(1 + e): r for u ≥ 0, r·e for u < 0, where 1 + t would cancel.
export function onePlusTanhFrom(u: v128, e: v128, r: v128): v128 {
  return v128.bitselect(f32x4.mul(r, e), r, f32x4.lt(u, f32x4.splat(0)));
}

// 1 - tanh²(u) = 4e/(1 + e)² = r²·e with r = 2/(1 + e): one division for both.
export function twoOverOnePlus(e: v128): v128 {
  return f32x4.div(f32x4.splat(2), f32x4.add(f32x4.splat(1), e));
}

// ln x for x ≥ 1 (a sum of exponentials whose largest term is 1), in f64: x = m · 2^e with m in
// [√½, √2), ln m = 2·atanh(s), s = (m - 1) / (m + 1), by its series to s^15 (|s| < 0.172).
export function logD(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let t = 1.0 / 15;
  t = t * s2 + 1.0 / 13;
  t = t * s2 + 1.0 / 11;
  t = t * s2 + 1.0 / 9;
  t = t * s2 + 1.0 / 7;
  t = t * s2 + 1.0 / 5;
  t = t * s2 + 1.0 / 3;
  t = t * s2 + 1;
  return <f64>e * 0.6931471805599453 + 2 * s * t;
}

// The last count < 4 floats of a row as one vector (the other lanes 0), and back: a row's
// tail goes through the same vector code as its body.
export function loadTail(ptr: usize, count: i32): v128 {
  let v = f32x4.splat(0);
  if (count > 0) v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr + 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr + 8));
  return v;
}

export function storeTail(ptr: usize, v: v128, count: i32): void {
  if (count > 0) store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(ptr + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(ptr + 8, f32x4.extract_lane(v, 2));
}
