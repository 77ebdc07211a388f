import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { oneHotFloat } from '../../workers/training/ops/one-hot';
import { TrainingSession } from '../../workers/training/session';
import { restoreSession } from '../../workers/training/state-capture';
import {
  bytesOf,
  dataset,
  expectLossFalls,
  snapshotOf,
  tinyMlp,
  tinyTransformer,
  train,
} from './training-fixtures';

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

describe.each([
  ['mlp', tinyMlp],
  ['transformer', tinyTransformer],
] as const)('%s on wasm', (_, config) => {
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

  it('resumed from a snapshot equals the uninterrupted run, bit for bit', async () => {
    const straight = TrainingSession.create(config, dataset);
    await train(straight, 5);
    const saved = await snapshotOf(straight);
    const straightLosses = await train(straight, 7);
    const expected = bytesOf((await snapshotOf(straight)).tensors);

    const resumed = await restoreSession(config, dataset, saved.host, saved.tensors);
    const resumedLosses = await train(resumed, 7);
    const actual = bytesOf((await snapshotOf(resumed)).tensors);

    expect(resumedLosses).toEqual(straightLosses);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, bytes] of expected) expect(actual.get(name), name).toEqual(bytes);
    straight.dispose();
    resumed.dispose();
  });

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
