import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../../src/shared/config';
import { learningRateAt } from '../../src/shared/lr-schedule';

const cosine = {
  ...DEFAULT_CONFIG,
  lr: 0.01,
  minLr: 0.001,
  schedule: 'cosine',
  warmup: 100,
  decaySteps: 1100,
} as const;

describe('the learning-rate schedule', () => {
  it('constant without warm-up is exactly the configured rate at every step', () => {
    for (const step of [1, 2, 1000, 1e7]) expect(learningRateAt(DEFAULT_CONFIG, step)).toBe(0.003);
  });

  it('warms up linearly: lr/warmup at step 1, lr at the last warm-up step', () => {
    expect(learningRateAt(cosine, 1)).toBeCloseTo(0.0001, 12);
    expect(learningRateAt(cosine, 50)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(cosine, 100)).toBe(0.01);
    expect(learningRateAt({ ...DEFAULT_CONFIG, warmup: 10 }, 5)).toBeCloseTo(0.0015, 12);
    expect(learningRateAt({ ...DEFAULT_CONFIG, warmup: 10 }, 11)).toBe(0.003);
  });

  it('decays along a cosine to minLr at decaySteps, and stays there', () => {
    expect(learningRateAt(cosine, 101)).toBeLessThan(0.01);
    expect(learningRateAt(cosine, 101)).toBeGreaterThan(0.00999);
    // Halfway through the decay the cosine term is 0: the mean of lr and minLr.
    expect(learningRateAt(cosine, 600)).toBeCloseTo(0.0055, 12);
    expect(learningRateAt(cosine, 1099)).toBeGreaterThan(0.001);
    expect(learningRateAt(cosine, 1100)).toBe(0.001);
    expect(learningRateAt(cosine, 5000)).toBe(0.001);
  });

  it('decays to the step budget when decaySteps is 0', () => {
    const budget = { ...cosine, decaySteps: 0, steps: 300 };
    expect(learningRateAt(budget, 200)).toBeCloseTo(0.0055, 12);
    expect(learningRateAt(budget, 300)).toBe(0.001);
  });

  it('is refused without an end after the warm-up, or with minLr above lr', () => {
    expect(() => validateConfig({ ...cosine, decaySteps: 0, steps: 0 })).toThrow(/needs an end/);
    expect(() => validateConfig({ ...cosine, decaySteps: 50 })).toThrow(/after the warm-up/);
    expect(() => validateConfig({ ...cosine, minLr: 0.1 })).toThrow(/"minLr"/);
    expect(validateConfig(cosine)).toEqual(cosine);
  });
});
