import type { RunConfig } from '../shared/config';
import { learningRateAt } from '../shared/lr-schedule';
import type { RewindRecord } from '../shared/snapshot';

/**
 * The exponential moving average TensorBoard draws, debiased so the first points are not
 * pulled towards 0: s_n = w·s_{n−1} + (1−w)·x_n, shown as s_n / (1 − wⁿ). Gaps (null) stay
 * gaps and do not advance the average.
 */
export function smoothed(values: readonly (number | null)[], weight: number): (number | null)[] {
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    count += 1;
    return weight === 0 ? v : last / (1 - Math.pow(weight, count));
  });
}

/**
 * The learning rate each step trained with: the schedule's (a pure function of the config and
 * the step), times the guard's factor in force then. A step after a rewind to step t trained
 * with the factor of the latest rewind that went back before it.
 */
export function learningRates(
  steps: readonly number[],
  config: RunConfig | null,
  rewinds: readonly RewindRecord[],
): (number | null)[] {
  if (config === null) return steps.map(() => null);
  return steps.map((step) => {
    let scale = 1;
    for (const r of rewinds) if (r.toStep < step) scale = r.lrScale;
    return step === 0 ? null : learningRateAt(config, step) * scale;
  });
}

/** Losses times `scale` (nats per token to bits per byte); all gaps while the scale is unknown. */
export function inUnits(
  values: readonly (number | null)[],
  scale: number | null,
): (number | null)[] {
  if (scale === 1) return values.slice();
  return values.map((v) => (v === null || scale === null ? null : v * scale));
}
