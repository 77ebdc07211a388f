import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import {
  installWasmOverrides,
  removeWasmOverrides,
} from '../../workers/training/kernels/wasm-overrides';
import { TrainingSession } from '../../workers/training/session';
import { restoreSession } from '../../workers/training/state-capture';
import { bytesOf, dataset, snapshotOf, tinyTransformer, train } from './training-fixtures';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});
afterAll(removeWasmOverrides);

function random(shape: number[], prng: Prng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => prng.nextNormal()),
    shape,
  );
}

/** The product and its gradients (of Σ out·w), with tfjs-wasm's own kernels or the overrides. */
function productAndGrads(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean, w: tf.Tensor) {
  const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb);
  return [f(a, b), ...tf.grads((x, y) => tf.sum(tf.mul(f(x!, y!), w)))([a, b])];
}

async function maxRelDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [diff, scale] = await Promise.all([
    tf.max(tf.abs(tf.sub(a, b))).data(),
    tf.max(tf.abs(b)).data(),
  ]);
  return diff[0]! / Math.max(1, scale[0]!);
}

describe('wasm overrides', () => {
  // [m, k, n]: odd sizes, and one of gpt-nano's gradient products.
  const SHAPES = [
    [3, 5, 7],
    [1, 1, 1],
    [17, 33, 9],
    [96, 1024, 384],
  ];
  const FLAGS = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ];
  it.each(SHAPES.flatMap((s) => FLAGS.map((f) => [s, f])))(
    'a matmul of %j with flags %j equals tfjs-wasm’s, forward and gradients',
    async (shape, flags) => {
      const [m, k, n] = shape as [number, number, number];
      const [ta, tb] = flags as [boolean, boolean];
      const prng = Prng.fromSeed(m * 1000 + k * 10 + n);
      const a = random(ta ? [k, m] : [m, k], prng);
      const b = random(tb ? [n, k] : [k, n], prng);
      const w = random([m, n], prng);
      removeWasmOverrides();
      const theirs = productAndGrads(a, b, ta, tb, w);
      installWasmOverrides();
      const ours = productAndGrads(a, b, ta, tb, w);
      for (const [i, t] of ours.entries()) {
        expect(await maxRelDiff(t, theirs[i]!)).toBeLessThan(1e-5);
      }
      tf.dispose([a, b, w, ...ours, ...theirs]);
    },
  );

  it('sends a flagged product to XNNPACK: the bits of the unflagged product of the transpose', async () => {
    const prng = Prng.fromSeed(11);
    const [a, b] = [random([1024, 96], prng), random([1024, 384], prng)];
    removeWasmOverrides();
    const xnnpack = await tf.matMul(tf.transpose(a), b).data();
    const loop = await tf.matMul(a, b, true, false).data();
    installWasmOverrides();
    const routed = await tf.matMul(a, b, true, false).data();
    expect(routed).toEqual(xnnpack);
    expect(routed).not.toEqual(loop); // 1,024-term sums in another order: not the loop's bits
    tf.dispose([a, b]);
  });

  it('leaves batched products to tfjs-wasm, with the same bits', async () => {
    const prng = Prng.fromSeed(5);
    const [a, b] = [random([2, 3, 4, 5], prng), random([2, 3, 6, 5], prng)];
    removeWasmOverrides();
    const theirs = await tf.matMul(a, b, false, true).data();
    installWasmOverrides();
    expect(await tf.matMul(a, b, false, true).data()).toEqual(theirs);
    tf.dispose([a, b]);
  });

  it('clones by reference: no copy, and the clone outlives its source', async () => {
    installWasmOverrides();
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor([1, 2, 3]);
    const buffers = backend.numDataIds();
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(buffers);
    expect(backend.getMemoryOffset(y.dataId)).toBe(backend.getMemoryOffset(x.dataId));
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(buffers - 1);
  });

  it('a resumed run equals the uninterrupted one bit for bit, with snapshots taken by clone', async () => {
    installWasmOverrides();
    const straight = TrainingSession.create(tinyTransformer, dataset);
    await train(straight, 4);
    const saved = await snapshotOf(straight);
    const straightLosses = await train(straight, 5);
    const expected = bytesOf((await snapshotOf(straight)).tensors);

    const resumed = await restoreSession(tinyTransformer, dataset, saved.host, saved.tensors);
    expect(await train(resumed, 5)).toEqual(straightLosses);
    const actual = bytesOf((await snapshotOf(resumed)).tensors);
    for (const [name, bytes] of expected) expect(actual.get(name), name).toEqual(bytes);
    straight.dispose();
    resumed.dispose();
  });

  it('trains as tfjs-wasm’s kernels do, up to float rounding', async () => {
    removeWasmOverrides();
    const theirs = TrainingSession.create(tinyTransformer, dataset);
    const reference = await train(theirs, 6);
    theirs.dispose();
    installWasmOverrides();
    const ours = TrainingSession.create(tinyTransformer, dataset);
    const losses = await train(ours, 6);
    ours.dispose();
    for (const [i, loss] of losses.entries()) expect(loss).toBeCloseTo(reference[i]!, 4);
  });
});
