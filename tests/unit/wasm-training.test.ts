import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmKernels, removeWasmKernels } from '../../workers/training/kernels/install';
import { kernelStack } from '../../workers/training/ops/kernel-set';
import { oneHotFloat } from '../../workers/training/ops/one-hot';
import { profileTrainingSteps } from '../../workers/training/profile/step-profile';
import { TrainingSession } from '../../workers/training/session';
import { restoreSession } from '../../workers/training/state-capture';
import {
  bytesOf,
  dataset,
  expectExactResume,
  expectLossFalls,
  snapshotOf,
  tinyMlp,
  tinyTransformer,
  train,
} from './training-fixtures';
import { loadKernelFiles } from './kernel-files';

// tfjs-backend-wasm runs in Node too (SIMD, one thread): the WASM kernels the page trains with.
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

describe('wasm backend', () => {
  it('makes float one-hot rows of 0 and 1 (its OneHot kernel ignores a float dtype)', async () => {
    const rows = oneHotFloat(tf.tensor1d([2, 0], 'int32'), 3);
    expect(tf.getBackend()).toBe('wasm');
    expect(rows.dtype).toBe('float32');
    expect(Array.from(await rows.data())).toEqual([0, 0, 1, 1, 0, 0]);
    rows.dispose();
  });
});

// Each model on tfjs-wasm's own kernels (the op layer's composites), then with the trainer's
// kernels installed (what the app runs): both exact on resume and across same-seed runs.
describe.each([
  ['mlp', tinyMlp, false],
  ['transformer', tinyTransformer, false],
  ['mlp', tinyMlp, true],
  ['transformer', tinyTransformer, true],
] as const)('%s on wasm (trainer kernels: %s)', (_, config, kernels) => {
  beforeAll(async () => {
    if (kernels) await installWasmKernels(loadKernelFiles);
    else removeWasmKernels();
  });

  it('names its kernels in what snapshots record', () => {
    expect(kernelStack()).toBe(kernels ? `${tf.version.tfjs}+tp-wasm.1` : tf.version.tfjs);
  });

  it(`runs ${kernels ? 'the trainer’s Tp kernels' : 'no Tp kernel'} in a step`, async () => {
    const session = TrainingSession.create(config, dataset);
    const profile = await profileTrainingSteps(session, 1);
    const ours = profile.rows.filter((r) => r.op.startsWith('Tp')).map((r) => r.op);
    const expected = ['TpDense', 'TpDenseGrad', 'TpEmbedding', 'TpEmbeddingGrad', 'TpAdam'];
    if (config.model === 'transformer') expected.push('TpCausalAttention', 'TpGelu', 'TpLayerNorm');
    if (kernels) for (const op of expected) expect(ours, op).toContain(op);
    else expect(ours).toEqual([]);
    session.dispose();
  });

  it('lowers the loss', () => expectLossFalls(config));

  it('gives bitwise-identical state for the same seed', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const session = TrainingSession.create({ ...config, seed: 7 }, dataset);
      await train(session, 6);
      runs.push(bytesOf((await snapshotOf(session)).tensors));
      session.dispose();
    }
    const [a, b] = runs as [Map<string, Uint8Array>, Map<string, Uint8Array>];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(b.get(name), name).toEqual(bytes);
  });

  it('resumed from a snapshot equals the uninterrupted run, bit for bit', () =>
    expectExactResume(config, dataset));

  it.each([
    ['cpu', 'wasm'],
    ['wasm', 'cpu'],
  ] as const)('a snapshot from %s continues on %s up to float rounding', async (from, to) => {
    await tf.setBackend(from);
    const straight = TrainingSession.create(config, dataset);
    await train(straight, 5);
    const saved = await snapshotOf(straight);
    const straightLosses = await train(straight, 7);
    straight.dispose();

    await tf.setBackend(to);
    const resumed = await restoreSession(config, dataset, saved.host, saved.tensors);
    const resumedLosses = await train(resumed, 7);
    resumed.dispose();
    await tf.setBackend('wasm');

    expect(resumed.step).toBe(12);
    for (const [i, loss] of resumedLosses.entries()) {
      expect(loss).toBeCloseTo(straightLosses[i]!, 3);
    }
  });
});
