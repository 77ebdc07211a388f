import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { layerNorm as fused } from '../../workers/training/ops';
import { layerNormComposite as layerNorm } from '../../workers/training/ops/layer-norm';
import { useWasmKernels } from './wasm-op-fixtures';

beforeAll(useWasmKernels);

function random(shape: number[], prng: Prng, scale = 1, shift = 0): tf.Tensor {
  const values = Float32Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    () => shift + scale * prng.nextNormal(),
  );
  return tf.tensor(values, shape);
}

/** Gradients of Σ y·w with respect to x, gamma and beta, for a layer norm `norm`. */
function gradsOf(
  norm: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  inputs: tf.Tensor[],
  w: tf.Tensor,
): tf.Tensor[] {
  return tf.grads((x, g, b) => tf.sum(tf.mul(norm(x!, g!, b!), w)))(inputs);
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  return (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!;
}

// Odd sizes exercise the scalar tail after the four-lane loop; [16, 64, 96] is gpt-nano's.
const SHAPES = [
  [1, 1],
  [3, 5],
  [7, 13],
  [2, 3, 97],
  [5, 4],
  [16, 64, 96],
  [9, 130],
];

describe('fused LayerNorm on wasm (AssemblyScript in tfjs-wasm memory)', () => {
  it.each(SHAPES.map((s) => [s]))(
    'matches the composite forward and gradients at %j',
    async (shape) => {
      const prng = Prng.fromSeed(shape.reduce((a, b) => a * 31 + b, 7));
      const d = shape.at(-1)!;
      const x = random(shape, prng, 2, 0.5);
      const gamma = random([d], prng, 0.5, 1);
      const beta = random([d], prng, 0.5);
      const w = random(shape, prng);
      const ours = fused(x, gamma, beta);
      const theirs = layerNorm(x, gamma, beta);
      expect(await maxDiff(ours, theirs)).toBeLessThan(2e-5);

      const [dx, dg, db] = gradsOf(fused, [x, gamma, beta], w);
      const [rx, rg, rb] = gradsOf(layerNorm, [x, gamma, beta], w);
      // Relative to the gradient's size: the sums over rows grow with the number of rows.
      const scale = async (t: tf.Tensor) => Math.max(1, (await tf.max(tf.abs(t)).data())[0]!);
      expect(await maxDiff(dx!, rx!)).toBeLessThan(1e-4 * (await scale(rx!)));
      expect(await maxDiff(dg!, rg!)).toBeLessThan(1e-4 * (await scale(rg!)));
      expect(await maxDiff(db!, rb!)).toBeLessThan(1e-4 * (await scale(rb!)));
      tf.dispose([x, gamma, beta, w, ours, theirs, dx!, dg!, db!, rx!, rg!, rb!]);
    },
  );

  it('gives the same bits on every call, forward and backward', async () => {
    const prng = Prng.fromSeed(3);
    const inputs = [random([16, 64, 96], prng), random([96], prng), random([96], prng)];
    const w = random([16, 64, 96], prng);
    const run = async () => {
      const [x, g, b] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
      const outs = [fused(x, g, b), ...gradsOf(fused, inputs, w)];
      const bytes = await Promise.all(
        outs.map(async (t) => new Uint8Array((await t.data()).buffer)),
      );
      tf.dispose(outs);
      return bytes;
    };
    const [first, second] = [await run(), await run()];
    for (const [i, bytes] of first.entries()) expect(second[i]).toEqual(bytes);
    tf.dispose([...inputs, w]);
  });

  it('leaves no tensor behind, with or without a gradient tape', () => {
    const [x, g, b] = [tf.ones([4, 8]), tf.ones([8]), tf.zeros([8])];
    const before = tf.memory().numTensors;
    fused(x, g, b).dispose();
    tf.dispose(gradsOf(fused, [x, g, b], tf.onesLike(x)));
    expect(tf.memory().numTensors).toBe(before + 1); // the onesLike passed in
    tf.dispose([x, g, b]);
  });

  it('refuses a scale that does not fit the last axis, saying so', () => {
    const [x, g, b] = [tf.ones([4, 8]), tf.ones([7]), tf.zeros([8])];
    expect(() => fused(x, g, b)).toThrow(
      expect.objectContaining({
        name: 'KernelInputError',
        message: expect.stringContaining('Pass vectors of length 8'),
      }),
    );
    tf.dispose([x, g, b]);
  });
});
