import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { ADAM_EPSILON, captureAdam, createAdam } from '../../workers/training/adam-state';
import {
  installCpuKernels,
  removeCpuKernels,
} from '../../workers/training/kernels/cpu/install-cpu-kernels';
import type { NamedVariable } from '../../workers/training/models';
import { adamStep, globalNorm } from '../../workers/training/ops';
import { useCpuBackend } from './tf-setup';
import { bytesOfAll, random } from './wasm-op-fixtures';

// TpGlobalNorm and TpAdam on the CPU backend perform the composite's float32 operations in its
// order (gradients.ts's norm, clipping's multiply, AdamW's decay, tfjs's Adam): the same bits.
beforeAll(async () => {
  await useCpuBackend();
  installCpuKernels();
});
afterAll(removeCpuKernels);

describe('the optimizer step on cpu (TpGlobalNorm, TpAdam): the composite’s bits', () => {
  let instance = 0;
  function variables(): NamedVariable[] {
    const prng = Prng.fromSeed(5);
    const id = ++instance;
    return [[7], [13, 3], [96, 97], [1]].map((shape, i) => ({
      name: `v${i}`,
      variable: tf.variable(random(shape, prng), true, `cpuAdam${id}/v${i}`),
    }));
  }

  /** Three clipped AdamW steps on seeded gradients: norms, weights and optimizer state. */
  async function run(kernels: boolean, clip: number, weightDecay: number) {
    if (kernels) installCpuKernels();
    else removeCpuKernels();
    const vars = variables();
    const opt = createAdam(0.01, { beta1: 0.9, beta2: 0.95, weightDecay });
    const prng = Prng.fromSeed(9);
    const norms: tf.Tensor[] = [];
    for (let step = 0; step < 3; step++) {
      const grads: tf.NamedTensorMap = {};
      for (const { variable } of vars) grads[variable.name] = random(variable.shape, prng, 2);
      const norm = globalNorm(grads);
      adamStep(opt, grads, { norm, clip, weightDecay, decays: (v) => v.shape.length === 2 });
      norms.push(norm);
      tf.dispose(Object.values(grads));
    }
    const { entries } = captureAdam(opt, vars);
    const tensors = [...norms, ...vars.map((v) => v.variable), ...entries.map(([, t]) => t)];
    const bytes = await bytesOfAll(tensors);
    tf.dispose([...norms, ...entries.map(([, t]) => t)]);
    vars.forEach((v) => v.variable.dispose());
    opt.dispose();
    installCpuKernels();
    return bytes;
  }

  it.each([
    ['Adam', 0, 0],
    ['Adam, clipped below the norm', 1, 0],
    ['AdamW, clipped, matrices decayed', 2, 0.1],
  ])('%s', async (_, clip, weightDecay) => {
    const ours = await run(true, clip, weightDecay);
    const theirs = await run(false, clip, weightDecay);
    expect(ours.length).toBe(theirs.length);
    for (const [i, bytes] of theirs.entries()) expect(ours[i], `tensor ${i}`).toEqual(bytes);
  });

  it('moves the weights (a step that did nothing would pass the comparison)', async () => {
    const vars = variables();
    const before = await bytesOfAll(vars.map((v) => v.variable));
    const opt = createAdam(0.01, { beta1: 0.9, beta2: 0.95, weightDecay: 0 });
    const grads = Object.fromEntries(vars.map((v) => [v.variable.name, tf.onesLike(v.variable)]));
    const norm = globalNorm(grads);
    adamStep(opt, grads, { norm, clip: 0 });
    const after = await bytesOfAll(vars.map((v) => v.variable));
    for (const [i, bytes] of before.entries()) expect(after[i]).not.toEqual(bytes);
    const moved = (await vars[0]!.variable.data())[0]! - new Float32Array(before[0]!.buffer)[0]!;
    expect(moved).toBeCloseTo(-0.01, 6);
    expect(ADAM_EPSILON).toBe(1e-7);
    tf.dispose([norm, ...Object.values(grads)]);
    vars.forEach((v) => v.variable.dispose());
    opt.dispose();
  });
});
