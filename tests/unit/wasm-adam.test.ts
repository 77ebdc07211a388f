import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { captureAdam, createAdam } from '../../workers/training/adam-state';
import { installWasmKernels, removeWasmKernels } from '../../workers/training/kernels/install';
import { adamStep } from '../../workers/training/ops';
import { globalNorm as globalNormComposite } from '../../workers/training/gradients';
import { adamVariables, expectOneStepMovesWeights, GPT_ADAM_SETTINGS } from './adam-fixtures';
import { loadKernelFiles } from './kernel-files';
import { bytesOfAll, random, useWasmKernels } from './wasm-op-fixtures';

// TpAdam performs tfjs's Adam operation for operation (clipping's multiply and AdamW's decay
// included), each an IEEE float32 operation: the same bits as tfjs's AdamOptimizer.
beforeAll(useWasmKernels);

const variables = (seed: number) => adamVariables(seed, 'adam');

interface Settings {
  readonly clip: number;
  readonly weightDecay: number;
  readonly fused: boolean;
}

/** Three steps on fixed gradients; the whole optimizer state and the weights, as bytes. */
async function run({ clip, weightDecay, fused }: Settings): Promise<Map<string, Uint8Array>> {
  if (fused) await installWasmKernels(loadKernelFiles);
  else removeWasmKernels();
  const vars = variables(3);
  const opt = createAdam(0.01, GPT_ADAM_SETTINGS);
  const prng = Prng.fromSeed(8);
  for (let step = 0; step < 3; step++) {
    const grads: tf.NamedTensorMap = {};
    for (const { variable } of vars) grads[variable.name] = random(variable.shape, prng, 2);
    // Both runs clip by the same norm (the composite's), so only the step differs.
    const norm = globalNormComposite(grads);
    adamStep(opt, grads, { norm, clip, weightDecay, decays: (v) => v.shape.length === 2 });
    tf.dispose([norm, ...Object.values(grads)]);
  }
  const { entries } = captureAdam(opt, vars);
  const tensors = [...vars.map((v) => ['model/' + v.name, v.variable] as const), ...entries];
  const bytes = await bytesOfAll(tensors.map(([, t]) => t as tf.Tensor));
  const state = new Map(tensors.map(([name], i) => [name, bytes[i]!]));
  state.set('iterations', Uint8Array.of(opt.iterations));
  tf.dispose(entries.map(([, t]) => t));
  vars.forEach((v) => v.variable.dispose());
  opt.dispose();
  await installWasmKernels(loadKernelFiles);
  return state;
}

describe('the fused optimizer step (TpAdam)', () => {
  it.each([
    ['Adam', 0, 0],
    ['Adam, clipped below the norm', 1, 0],
    ['Adam, clip above the norm (factor 1)', 1e6, 0],
    ['AdamW, matrices decayed', 0, 0.1],
    ['AdamW, clipped', 2, 0.1],
  ])('%s: the same bits as tfjs’s Adam, slots and beta powers included', async (_, clip, wd) => {
    const fused = await run({ clip, weightDecay: wd, fused: true });
    const composite = await run({ clip, weightDecay: wd, fused: false });
    expect([...fused.keys()]).toEqual([...composite.keys()]);
    for (const [name, bytes] of composite) expect(fused.get(name), name).toEqual(bytes);
    // The snapshot's names: every variable's m and v, then the count and the beta powers.
    expect([...fused.keys()].slice(4, -1)).toEqual([
      'optimizer/v0/m',
      'optimizer/v0/v',
      'optimizer/v1/m',
      'optimizer/v1/v',
      'optimizer/v2/m',
      'optimizer/v2/v',
      'optimizer/v3/m',
      'optimizer/v3/v',
      'optimizer/iter',
      'optimizer/beta1_power',
      'optimizer/beta2_power',
    ]);
    expect(fused.get('iterations')).toEqual(Uint8Array.of(3));
  });

  it('changes the weights when run (a step that did nothing would pass the comparison)', () =>
    expectOneStepMovesWeights(variables(3)));
});
