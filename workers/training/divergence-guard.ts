import type { RunConfig } from '../../src/shared/config';
import type { SpikeReason } from '../../src/shared/snapshot';
import type { StepResult } from './session';

type GuardConfig = Pick<RunConfig, 'guard' | 'spikeFactor' | 'spikeWindow' | 'guardWarmup'>;

/** A step the guard refuses: why, and the window mean it was judged against. */
export interface Spike {
  readonly reason: SpikeReason;
  readonly mean: number | null;
}

/**
 * Judges a step from what the loop already read back (its loss and gradient norm), against
 * the losses of the steps before it (`history`, [step, loss] rows, this step's row last or
 * absent). A non-finite loss or norm is always a spike; after `guardWarmup` steps, so is a loss
 * above spikeFactor × the mean of the last `spikeWindow` finite losses (Lightning's
 * SpikeDetection with rtol = spikeFactor − 1). A pure function: a resumed run judges the same.
 */
export function judgeStep(
  config: GuardConfig,
  result: StepResult,
  history: readonly (readonly [number, number])[],
): Spike | null {
  if (config.guard !== 1) return null;
  if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
    return { reason: 'non-finite', mean: null };
  }
  if (result.step <= config.guardWarmup) return null;
  let sum = 0;
  let count = 0;
  for (let i = history.length - 1; i >= 0 && count < config.spikeWindow; i--) {
    const [step, loss] = history[i]!;
    if (step >= result.step || !Number.isFinite(loss)) continue;
    sum += loss;
    count += 1;
  }
  if (count === 0) return null;
  const mean = sum / count;
  return result.loss > config.spikeFactor * mean ? { reason: 'loss-ratio', mean } : null;
}

/** The rewinds whose spikes lie within `window` steps of `spikeStep` (itself included). */
export function rewindsWithin<T extends { readonly spikeStep: number }>(
  rewinds: readonly T[],
  spikeStep: number,
  window: number,
): T[] {
  return rewinds.filter((r) => Math.abs(spikeStep - r.spikeStep) < window);
}

/** Three rewinds within the window pause the run. */
export const REWIND_LIMIT = 3;
