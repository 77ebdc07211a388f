import type { RunConfig } from './config';

type ScheduleConfig = Pick<
  RunConfig,
  'lr' | 'schedule' | 'warmup' | 'decaySteps' | 'minLr' | 'steps'
>;

/**
 * The learning rate of step `step` (1-based: the update that takes the run from step - 1 to
 * `step`), before the guard's factor. A pure function of the config and the step, so a resumed
 * run follows the same schedule exactly and the page draws it without asking the worker.
 *
 * Linear warm-up: step n ≤ warmup gets lr·n/warmup. Then `constant` stays at lr (with no
 * warm-up, exactly config.lr: today's trajectory); `cosine` falls as
 * minLr + (lr − minLr)·(1 + cos(π·p))/2 with p = (n − warmup)/(end − warmup), and stays at minLr
 * from `end` on (end = decaySteps, or the step budget when decaySteps is 0).
 */
export function learningRateAt(config: ScheduleConfig, step: number): number {
  const { lr, warmup } = config;
  if (warmup > 0 && step <= warmup) return (lr * Math.max(step, 1)) / warmup;
  if (config.schedule === 'constant') return lr;
  const end = config.decaySteps > 0 ? config.decaySteps : config.steps;
  if (step >= end) return config.minLr;
  const progress = (step - warmup) / (end - warmup);
  return config.minLr + ((lr - config.minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
}
