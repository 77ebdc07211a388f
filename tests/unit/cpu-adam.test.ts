import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { captureAdam, createAdam } from '../../workers/training/adam-state';
import {
  installCpuKernels,
  removeCpuKernels,
} from '../../workers/training/kernels/cpu/install-cpu-kernels';
import { adamStep, globalNorm } from '../../workers/training/ops';
import { adamVariables, expectOneStepMovesWeights, GPT_ADAM_SETTINGS } from './adam-fixtures';
import { useCpuKernelsInThisFile } from './cpu-kernel-fixtures';
import { bytesOfAll, random } from './wasm-op-fixtures';

// TpGlobalNorm and TpAdam on the CPU backend perform the composite's float32 operations in its
// order (gradients.ts's norm, clipping's multiply, AdamW's decay, tfjs's Adam): the same bits.
useCpuKernelsInThisFile();

describe('the optimizer step on cpu (TpGlobalNorm, TpAdam): the composite’s bits', () => {
  const variables = () => adamVariables(5, 'cpuAdam');

  /** Three clipped AdamW steps on seeded gradients: norms, weights and optimizer state. */
  async function run(kernels: boolean, clip: number, weightDecay: number) {
    if (kernels) installCpuKernels();
    else removeCpuKernels();
    const vars = variables();
    const opt = createAdam(0.01, { ...GPT_ADAM_SETTINGS, weightDecay });
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

  it('moves the weights (a step that did nothing would pass the comparison)', () =>
    expectOneStepMovesWeights(variables()));
});
