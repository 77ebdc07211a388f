import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { ADAM_EPSILON, createAdam } from '../../workers/training/adam-state';
import type { NamedVariable } from '../../workers/training/models';
import { adamStep, globalNorm } from '../../workers/training/ops';
import { bytesOfAll, random } from './wasm-op-fixtures';

// The optimizer kernels' tests on either backend: the variables they step and the check that a
// step moves them (without it, a step that did nothing would pass the bitwise comparison).

/** gpt's betas (its presets'), so the kernels are checked on the config's betas, not tfjs's defaults. */
export const GPT_ADAM_SETTINGS = { beta1: 0.9, beta2: 0.95, weightDecay: 0 };

let instance = 0;

/**
 * Variables of odd sizes (the kernels' tails), the same values for every call with one seed;
 * `prefix` and a counter keep tfjs's variable names unique across calls.
 */
export function adamVariables(seed: number, prefix: string): NamedVariable[] {
  const prng = Prng.fromSeed(seed);
  const id = ++instance;
  return [[7], [13, 3], [96, 97], [1]].map((shape, i) => ({
    name: `v${i}`,
    variable: tf.variable(random(shape, prng), true, `${prefix}${id}/v${i}`),
  }));
}

/** One Adam step on gradients of ones moves every weight, the first by -lr. */
export async function expectOneStepMovesWeights(vars: NamedVariable[]): Promise<void> {
  const before = await bytesOfAll(vars.map((v) => v.variable));
  const opt = createAdam(0.01, GPT_ADAM_SETTINGS);
  const grads = Object.fromEntries(vars.map((v) => [v.variable.name, tf.onesLike(v.variable)]));
  const norm = globalNorm(grads);
  adamStep(opt, grads, { norm, clip: 0 });
  const after = await bytesOfAll(vars.map((v) => v.variable));
  for (const [i, bytes] of before.entries()) expect(after[i]).not.toEqual(bytes);
  // One step of Adam moves every weight by lr (m̂ / √v̂ = 1 for a constant gradient).
  const moved = (await vars[0]!.variable.data())[0]! - new Float32Array(before[0]!.buffer)[0]!;
  expect(moved).toBeCloseTo(-0.01, 6);
  expect(ADAM_EPSILON).toBe(1e-7);
  tf.dispose([norm, ...Object.values(grads)]);
  vars.forEach((v) => v.variable.dispose());
  opt.dispose();
}
