import { loadTail, storeTail } from './simd-math';

// One Adam (or AdamW) step of one variable, in exactly the operations and order tfjs's
// AdamOptimizer performs them one kernel at a time, so the result is the same bits:
//   g' = g · scale                      (the clipping factor; skipped when scale is 0)
//   m' = m·β1 + g'·(1 - β1)             v' = v·β2 + (g'·g')·(1 - β2)
//   p' = (m' / (1 - β1ᵗ)) / (√(v' / (1 - β2ᵗ)) + ε) · (-lr) + p·decay
// with β1ᵗ, β2ᵗ read from tfjs's running products (accBeta1, accBeta2: one float each) and
// decay = 1 - lr·weightDecay for AdamW (1, which changes nothing, for Adam). Every operation is
// an IEEE single-precision operation, elementwise: no sum, so no order to fix. The outputs are
// new buffers (tfjs swaps a variable's buffer on assign; nothing is written in place).
export function adamStep(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  outP: usize,
  outM: usize,
  outV: usize,
  n: i32,
  accBeta1: usize,
  accBeta2: usize,
  scale: usize,
  beta1: f32,
  oneMinusBeta1: f32,
  beta2: f32,
  oneMinusBeta2: f32,
  epsilon: f32,
  negLr: f32,
  decay: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const eps = f32x4.splat(epsilon);
  const lr = f32x4.splat(negLr);
  const dc = f32x4.splat(decay);
  const corr1 = f32x4.splat(<f32>1 - load<f32>(accBeta1));
  const corr2 = f32x4.splat(<f32>1 - load<f32>(accBeta2));
  const scaled = scale !== 0;
  const sv = f32x4.splat(scaled ? load<f32>(scale) : 1);
  for (let i = 0; i < n; i += 4) {
    const count = min(4, n - i);
    const at = (<usize>i) << 2;
    const whole = count === 4;
    let gv = whole ? v128.load(g + at) : loadTail(g + at, count);
    if (scaled) gv = f32x4.mul(gv, sv);
    const mv = whole ? v128.load(m + at) : loadTail(m + at, count);
    const vv = whole ? v128.load(v + at) : loadTail(v + at, count);
    const pv = whole ? v128.load(p + at) : loadTail(p + at, count);
    const newM = f32x4.add(f32x4.mul(mv, b1), f32x4.mul(gv, c1));
    const newV = f32x4.add(f32x4.mul(vv, b2), f32x4.mul(f32x4.mul(gv, gv), c2));
    const mHat = f32x4.div(newM, corr1);
    const vHat = f32x4.div(newV, corr2);
    const update = f32x4.mul(f32x4.div(mHat, f32x4.add(f32x4.sqrt(vHat), eps)), lr);
    const newP = f32x4.add(update, f32x4.mul(pv, dc));
    if (whole) {
      v128.store(outP + at, newP);
      v128.store(outM + at, newM);
      v128.store(outV + at, newV);
    } else {
      storeTail(outP + at, newP, count);
      storeTail(outM + at, newM, count);
      storeTail(outV + at, newV, count);
    }
  }
}
