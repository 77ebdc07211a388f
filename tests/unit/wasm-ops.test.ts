import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { embedTokens, gelu, globalNorm } from '../../workers/training/ops';
import { hasKernel } from '../../workers/training/ops/kernel-dispatch';
import { TP } from '../../workers/training/ops/kernel-names';
import {
  attentionCase,
  crossEntropyCase,
  denseCase,
  embeddingCase,
  EMBEDDING_SHAPES,
  expectTargetOutsideVocabularyRefused,
  opChecks,
  seedOf,
  withGrads,
} from './op-check-fixtures';
import { bytesOfAll, kernelAndComposite, random, useWasmKernels } from './wasm-op-fixtures';

// Each op's wasm kernel against the same op's composite of tfjs-wasm's own kernels, forward and
// gradients (of Σ out·w for a random w), at odd sizes (the SIMD kernels' scalar tails) and at
// gpt-nano's. The kernels sum in other orders than tfjs (and compute exp and tanh their own
// way), so they agree within a tolerance relative to each tensor's scale, stated per op.
beforeAll(useWasmKernels);

const seed = (shape: readonly number[]) => seedOf(shape, 19);
const { expectClose } = opChecks(kernelAndComposite);

describe('the op layer on wasm uses the trainer kernels', () => {
  it('registers every Tp kernel for wasm', () => {
    for (const name of Object.values(TP)) expect(hasKernel(name), name).toBe(true);
  });
});

describe('dense (TpDense)', () => {
  // [rows, in, out]; rank-3 x for [.., 7, ..] cases.
  const SHAPES = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [2 * 7, 13, 6],
    [1024, 96, 288],
  ];
  it.each(SHAPES.flatMap((s) => [false, true].flatMap((t) => [true, false].map((b) => [s, t, b]))))(
    'matches matMul and add at %j (kernel transposed: %s, bias: %s)',
    async (shape, transposeKernel, withBias) => {
      const prng = Prng.fromSeed(seed(shape as number[]));
      const c = denseCase(shape as number[], transposeKernel as boolean, withBias as boolean, prng);
      await expectClose(c.run, 1e-5);
      tf.dispose(c.inputs);
    },
  );
});

describe('gelu (TpGelu)', () => {
  it.each([[[1]], [[3]], [[7, 5]], [[16, 64, 384]]])(
    'matches the composite at %j',
    async (shape) => {
      const prng = Prng.fromSeed(seed(shape));
      const x = random(shape, prng, 3);
      const w = random(shape, prng);
      await expectClose(withGrads(gelu, [x], w), 2e-6);
      tf.dispose([x, w]);
    },
  );

  it('is within 2e-7 of the exact GELU and its slope, at least as close as the composite', async () => {
    const xs = Array.from({ length: 2001 }, (_, i) => -10 + i / 100).concat([-30, 30, 1e-3]);
    const x = tf.tensor(xs);
    const { kernel, composite } = await kernelAndComposite(() => [gelu(x), tf.grad(gelu)(x)]);
    const c = Math.sqrt(2 / Math.PI);
    const exact = xs.map((v) => {
      const t = Math.tanh(c * (v + 0.044715 * v ** 3));
      const slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
      return [0.5 * v * (1 + t), slope];
    });
    const worst = async (outs: tf.Tensor[]) => {
      const [y, dy] = [await outs[0]!.data(), await outs[1]!.data()];
      return exact.reduce(
        (w, [ey, ed], i) => [
          Math.max(w[0]!, Math.abs(y[i]! - ey!)),
          Math.max(w[1]!, Math.abs(dy[i]! - ed!)),
        ],
        [0, 0],
      );
    };
    const [ours, theirs] = [await worst(kernel), await worst(composite)];
    // The forward's error is the float32 rounding of x·0.5·(1 + t) (≈ 6e-7 at x ≈ 4), both ways.
    expect(ours[0]).toBeLessThan(1e-6);
    expect(ours[0]).toBeLessThanOrEqual(theirs[0]! * 1.1);
    expect(ours[1]).toBeLessThan(2e-7);
    expect(ours[1]).toBeLessThanOrEqual(theirs[1]!);
    tf.dispose([x, ...kernel, ...composite]);
  });
});

describe('causal self-attention (TpCausalAttention)', () => {
  // [batch, t, heads, head size]
  const SHAPES = [
    [1, 1, 1, 1],
    [2, 5, 3, 3],
    [3, 7, 2, 5],
    [2, 9, 1, 8],
    [16, 64, 3, 32],
  ];
  it.each(SHAPES.map((s) => [s]))('matches the composite at %j', async (shape) => {
    const c = attentionCase(shape, Prng.fromSeed(seed(shape)));
    await expectClose(c.run, 2e-5);
    tf.dispose(c.inputs);
  });
});

describe('softmax cross-entropy (TpSoftmaxCrossEntropy)', () => {
  // [rows, vocab]
  // The composite's one-hot needs a vocabulary of at least 2.
  const SHAPES = [
    [1, 2],
    [3, 5],
    [7, 13],
    [33, 27],
    [1024, 256],
  ];
  it.each(SHAPES.flatMap((s) => [true, false].map((m) => [s, m])))(
    'matches the composite at %j (mask: %s)',
    async (shape, masked) => {
      const prng = Prng.fromSeed(seed(shape as number[]));
      const c = crossEntropyCase(shape as number[], masked as boolean, prng);
      await expectClose(c.run, 2e-6);
      tf.dispose(c.inputs);
    },
  );

  it(
    'refuses a target outside the vocabulary, naming its row',
    expectTargetOutsideVocabularyRefused,
  );
});

describe('token and position embeddings (TpEmbedding)', () => {
  it.each(EMBEDDING_SHAPES.flatMap((s) => [true, false].map((p) => [s, p])))(
    'matches the one-hot matmul at %j (positions: %s)',
    async (shape, withPositions) => {
      const prng = Prng.fromSeed(seed(shape as number[]));
      const c = embeddingCase(shape as number[], withPositions as boolean, prng);
      await expectClose(c.run, 1e-6);
      tf.dispose(c.inputs);
    },
  );

  it('gives the table rows themselves, bit for bit', async () => {
    const prng = Prng.fromSeed(5);
    const table = random([9, 5], prng);
    const ids = tf.tensor([[3, 0, 8, 3]], [1, 4], 'int32');
    const rows = embedTokens(ids, table as tf.Tensor2D);
    const expected = tf.gather(table, tf.reshape(ids, [-1]));
    expect(await bytesOfAll([rows])).toEqual(await bytesOfAll([tf.reshape(expected, [1, 4, 5])]));
    tf.dispose([table, ids, rows, expected]);
  });

  it('refuses an id outside the table, naming its position', () => {
    const table = tf.zeros([4, 2]) as tf.Tensor2D;
    const ids = tf.tensor([[1, -1]], [1, 2], 'int32');
    expect(() => embedTokens(ids, table)).toThrow(
      expect.objectContaining({
        name: 'KernelInputError',
        message: expect.stringContaining('position 1 is outside the table'),
      }),
    );
    tf.dispose([table, ids]);
  });
});

describe('global norm (TpGlobalNorm)', () => {
  // tfjs-wasm sums a tensor's 36,864 squares one after the other in float32; the kernel in four
  // lanes: they differ by a few 1e-6 of the norm.
  it('matches the composite over tensors of odd sizes', async () => {
    const prng = Prng.fromSeed(23);
    const grads = { a: random([7], prng), b: random([13, 3], prng), c: random([96, 384], prng) };
    await expectClose(() => [globalNorm(grads)], 1e-5);
    tf.dispose(Object.values(grads));
  });
});
