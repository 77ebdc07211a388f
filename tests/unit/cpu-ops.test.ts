import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import {
  CPU_KERNEL_SET,
  installCpuKernels,
  removeCpuKernels,
} from '../../workers/training/kernels/cpu/install-cpu-kernels';
import { expInPlace } from '../../workers/training/kernels/cpu/cpu-exp';
import { embedTokens, gelu, layerNorm } from '../../workers/training/ops';
import { hasKernel } from '../../workers/training/ops/kernel-dispatch';
import { TP } from '../../workers/training/ops/kernel-names';
import { kernelStack } from '../../workers/training/ops/kernel-set';
import { cpuKernelAndComposite, useCpuKernelsInThisFile } from './cpu-kernel-fixtures';
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
import { random } from './wasm-op-fixtures';

// Each op's CPU kernel against the same op's composite of tfjs-cpu's kernels, forward and
// gradients (of Σ out·w for a random w), at odd sizes and at gpt-nano's. Dense and embeddings
// keep the composite's order of operations: the same bits, asserted bitwise (the global norm
// and Adam: cpu-adam.test.ts). Layer norm, GELU, attention and the loss sum in doubles in their own order: within
// docs/KERNELS.md's tolerance, relative to each tensor's scale.
useCpuKernelsInThisFile();

const seed = (shape: readonly number[]) => seedOf(shape, 23);
const { expectSameBits, expectClose } = opChecks(cpuKernelAndComposite);

describe('the op layer on cpu uses the trainer kernels', () => {
  it('registers every Tp kernel for cpu and records its kernel set', () => {
    for (const name of Object.values(TP)) expect(hasKernel(name), name).toBe(true);
    expect(kernelStack()).toBe(`${tf.version.tfjs}+tp-${CPU_KERNEL_SET}`);
    removeCpuKernels();
    expect(kernelStack()).toBe(tf.version.tfjs);
    installCpuKernels();
  });
});

describe('Add on cpu (a flat loop for two float32 tensors of one shape): tfjs-cpu’s bits', () => {
  it('replaces tfjs-cpu’s Add while installed, and restores it when removed', () => {
    const installed = tf.getKernel('Add', 'cpu')!.kernelFunc;
    removeCpuKernels();
    const own = tf.getKernel('Add', 'cpu')!.kernelFunc;
    installCpuKernels();
    expect(installed).not.toBe(own);
    expect(tf.getKernel('Add', 'cpu')!.kernelFunc).toBe(installed);
  });

  it('adds one shape bitwise as tfjs-cpu does, special values included', async () => {
    const prng = Prng.fromSeed(41);
    const a = random([16, 64, 96], prng, 1e3);
    const b = random([16, 64, 96], prng, 1e-3);
    const special = [NaN, Infinity, -Infinity, -0, 0, 1e-45, -1e-45, 3.4e38, 3.4e38, 1];
    const sa = tf.tensor1d(special);
    const sb = tf.tensor1d([1, -Infinity, -Infinity, -0, -0, 1e-45, 1e-45, 3.4e38, -3.4e38, 1e-8]);
    await expectSameBits(() => [tf.add(a, b), tf.add(b, a), tf.add(sa, sb)]);
    tf.dispose([a, b, sa, sb]);
  });

  it('leaves broadcasting and int32 to tfjs-cpu’s own kernel', async () => {
    const prng = Prng.fromSeed(43);
    const a = random([5, 7], prng);
    const row = random([7], prng);
    const ints = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    await expectSameBits(() => [tf.add(a, row), tf.add(row, a), tf.add(a, 2)]);
    const sum = tf.add(ints, ints);
    expect(sum.dtype).toBe('int32');
    expect(Array.from(await sum.data())).toEqual([2, 4, 6, 8]);
    tf.dispose([a, row, ints, sum]);
  });
});

describe('dense (TpDense on cpu): the bits of matMul and add', () => {
  // [rows, in, out]; rows a multiple of 7 give x of rank 3. 97 and 50 cross tfjs-cpu's blocks
  // of 48 along k with a partial block; 1024 × 96 × 288 is gpt-nano's qkv projection.
  const SHAPES = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 97, 9],
    [2 * 7, 13, 50],
    [6, 50, 97],
    [1024, 96, 288],
  ];
  // At gpt-nano's size (tfjs-cpu's composite takes seconds there) two cases: a projection with
  // a bias, and a transposed kernel without one (as the tied head).
  const CASES = SHAPES.flatMap((s) =>
    s[0] === 1024
      ? [
          [s, false, true],
          [s, true, false],
        ]
      : [false, true].flatMap((t) => [true, false].map((b) => [s, t, b])),
  );
  it.each(CASES)(
    'at %j (kernel transposed: %s, bias: %s)',
    async (shape, transposeKernel, withBias) => {
      const prng = Prng.fromSeed(seed(shape as number[]));
      const c = denseCase(shape as number[], transposeKernel as boolean, withBias as boolean, prng);
      await expectSameBits(c.run);
      tf.dispose(c.inputs);
    },
  );
});

describe('token and position embeddings (TpEmbedding on cpu): the one-hot matmul’s bits', () => {
  // 16 × 64 rows cross the blocks of 48 rows.
  it.each(EMBEDDING_SHAPES.flatMap((s) => [true, false].map((p) => [s, p])))(
    'at %j (positions: %s)',
    async (shape, withPositions) => {
      const prng = Prng.fromSeed(seed(shape as number[]));
      const c = embeddingCase(shape as number[], withPositions as boolean, prng);
      await expectSameBits(c.run);
      tf.dispose(c.inputs);
    },
  );

  it('refuses an id outside the table, naming its position', () => {
    const table = tf.zeros([4, 2]) as tf.Tensor2D;
    const ids = tf.tensor([[0, 3, 4]], [1, 3], 'int32');
    expect(() => embedTokens(ids, table)).toThrow(
      expect.objectContaining({
        name: 'KernelInputError',
        message: expect.stringContaining("the id at position 2 is outside the table's 4 rows"),
      }),
    );
    tf.dispose([table, ids]);
  });
});

describe('layer norm (TpLayerNorm on cpu)', () => {
  it.each([[[1, 1]], [[3, 5]], [[2, 3, 97]], [[16, 64, 96]]])('at %j', async (shape) => {
    const prng = Prng.fromSeed(seed(shape));
    const d = shape.at(-1)!;
    const x = random(shape, prng, 2, 0.5);
    const gamma = random([d], prng, 0.5, 1);
    const beta = random([d], prng, 0.5);
    const w = random(shape, prng);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g, b);
    await expectClose(withGrads(f as (...xs: tf.Tensor[]) => tf.Tensor, [x, gamma, beta], w), 1e-4);
    await expectClose(() => [f(x, gamma, beta)], 2e-5);
    tf.dispose([x, gamma, beta, w]);
  });
});

describe('the CPU kernels’ exp', () => {
  it('is within 1e-11 of Math.exp (relative) over softmax’s and GELU’s range, and exact at the ends', () => {
    const xs = Array.from({ length: 20001 }, (_, i) => -100 + i / 100);
    const values = Float64Array.from(xs);
    expInPlace(values, values.length);
    for (const [i, x] of xs.entries()) {
      expect(Math.abs(values[i]! - Math.exp(x)) / Math.exp(x), `exp(${x})`).toBeLessThan(1e-11);
    }
    const ends = Float64Array.of(0, -Infinity, -800, 800, NaN);
    expInPlace(ends, ends.length);
    expect([...ends]).toEqual([1, 0, 0, Infinity, NaN]);
  });
});

describe('gelu (TpGelu on cpu)', () => {
  it.each([[[1]], [[7, 5]], [[16, 64, 384]]])('at %j', async (shape) => {
    const prng = Prng.fromSeed(seed(shape));
    const x = random(shape, prng, 3);
    const w = random(shape, prng);
    await expectClose(withGrads(gelu, [x], w), 2e-6);
    tf.dispose([x, w]);
  });
});

describe('causal self-attention (TpCausalAttention on cpu)', () => {
  // [batch, t, heads, head size]
  it.each([[[1, 1, 1, 1]], [[2, 5, 3, 3]], [[3, 7, 2, 5]], [[16, 64, 3, 32]]])(
    'at %j',
    async (shape) => {
      const c = attentionCase(shape, Prng.fromSeed(seed(shape)));
      await expectClose(c.run, 2e-5);
      tf.dispose(c.inputs);
    },
  );
});

describe('softmax cross-entropy (TpSoftmaxCrossEntropy on cpu)', () => {
  it.each(
    [
      [1, 2],
      [7, 13],
      [1024, 256],
    ].flatMap((s) => [true, false].map((m) => [s, m])),
  )('at %j (mask: %s)', async (shape, masked) => {
    const c = crossEntropyCase(
      shape as number[],
      masked as boolean,
      Prng.fromSeed(seed(shape as number[])),
    );
    await expectClose(c.run, 2e-6);
    tf.dispose(c.inputs);
  });

  it(
    'refuses a target outside the vocabulary, naming its row',
    expectTargetOutsideVocabularyRefused,
  );
});
