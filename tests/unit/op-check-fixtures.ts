import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { Prng } from '../../src/shared/prng';
import {
  causalSelfAttention,
  dense,
  embedTokens,
  softmaxCrossEntropy,
} from '../../workers/training/ops';
import { bytesOfAll, random, randomIds, relDiff } from './wasm-op-fixtures';

// The checks both backends' kernel tests run against tfjs's composite: one op's inputs, drawn
// from a seeded PRNG, and its forward and gradients, compared bitwise or within a tolerance.

/** Both results of `run`: with the backend's trainer kernels, then with its own composite. */
export type KernelAndComposite = (
  run: () => tf.Tensor[],
) =>
  | { kernel: tf.Tensor[]; composite: tf.Tensor[] }
  | Promise<{ kernel: tf.Tensor[]; composite: tf.Tensor[] }>;

/** One op's run and the inputs it reads, which the caller disposes after the check. */
export interface OpCase {
  readonly run: () => tf.Tensor[];
  readonly inputs: tf.Tensor[];
}

/** A seed per shape, offset by `base` so that each test file draws its own values. */
export const seedOf = (shape: readonly number[], base: number): number =>
  shape.reduce((a, b) => a * 131 + b, base);

/** Forward and gradients of `f` with respect to `inputs`, through Σ f(...)·w. */
export function withGrads(
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: tf.Tensor[],
  w: tf.Tensor,
): () => tf.Tensor[] {
  return () => [f(...inputs), ...tf.grads((...xs) => tf.sum(tf.mul(f(...xs), w)))(inputs)];
}

/** The two comparisons, on the backend whose kernels `pair` swaps in and out. */
export function opChecks(pair: KernelAndComposite) {
  return {
    async expectSameBits(f: () => tf.Tensor[]): Promise<void> {
      const { kernel, composite } = await pair(f);
      expect(kernel.length).toBe(composite.length);
      const [ours, theirs] = [await bytesOfAll(kernel), await bytesOfAll(composite)];
      for (const [i, bytes] of theirs.entries()) expect(ours[i], `output ${i}`).toEqual(bytes);
      tf.dispose([...kernel, ...composite]);
    },
    async expectClose(f: () => tf.Tensor[], tolerance: number): Promise<void> {
      const { kernel, composite } = await pair(f);
      expect(kernel.length).toBe(composite.length);
      for (const [i, t] of kernel.entries()) {
        expect(await relDiff(t, composite[i]!), `output ${i}`).toBeLessThan(tolerance);
      }
      tf.dispose([...kernel, ...composite]);
    },
  };
}

/** dense at [rows, in, out]; rows a multiple of 7 give x of rank 3. */
export function denseCase(
  [rows, inDim, outDim]: number[],
  transposeKernel: boolean,
  withBias: boolean,
  prng: Prng,
): OpCase {
  const x = random(rows! % 7 === 0 ? [rows! / 7, 7, inDim!] : [rows!, inDim!], prng);
  const kernel = random(transposeKernel ? [outDim!, inDim!] : [inDim!, outDim!], prng, 0.3);
  const bias = random([outDim!], prng);
  const w = random([...x.shape.slice(0, -1), outDim!], prng);
  const f = (a: tf.Tensor, k: tf.Tensor, b?: tf.Tensor) => dense(a, k, b ?? null, transposeKernel);
  const run = withGrads(
    f as (...xs: tf.Tensor[]) => tf.Tensor,
    withBias ? [x, kernel, bias] : [x, kernel],
    w,
  );
  return { run, inputs: [x, kernel, bias, w] };
}

/** [batch, t, vocab, d, positions' rows]: from one row to gpt-nano's 16 × 64 rows of 96. */
export const EMBEDDING_SHAPES = [
  [1, 1, 2, 1, 1],
  [3, 5, 7, 3, 5],
  [4, 6, 11, 9, 8],
  [16, 64, 256, 96, 64],
];

/** Token (and position) embeddings at [batch, t, vocab, d, positions' rows]. */
export function embeddingCase(
  [batch, t, vocab, d, period]: number[],
  withPositions: boolean,
  prng: Prng,
): OpCase {
  const ids = randomIds([batch!, t!], vocab!, prng);
  const table = random([vocab!, d!], prng);
  const positions = random([period!, d!], prng);
  const w = random([batch!, t!, d!], prng);
  const f = (tab: tf.Tensor, pos?: tf.Tensor) =>
    embedTokens(ids, tab as tf.Tensor2D, (pos ?? null) as tf.Tensor2D | null);
  const run = withGrads(
    f as (...xs: tf.Tensor[]) => tf.Tensor,
    withPositions ? [table, positions] : [table],
    w,
  );
  return { run, inputs: [ids, table, positions, w] };
}

/** Causal self-attention at [batch, t, heads, head size]. */
export function attentionCase([batch, t, heads, hd]: number[], prng: Prng): OpCase {
  const qkv = random([batch!, t!, 3 * heads! * hd!], prng);
  const w = random([batch!, t!, heads! * hd!], prng);
  return { run: withGrads((x) => causalSelfAttention(x, heads!), [qkv], w), inputs: [qkv, w] };
}

/** Softmax cross-entropy at [rows, vocab], every third row masked out when `masked`. */
export function crossEntropyCase([rows, vocab]: number[], masked: boolean, prng: Prng): OpCase {
  const logits = random([rows!, vocab!], prng, 3);
  const targets = randomIds([rows!], vocab!, prng);
  const mask = masked
    ? tf.tensor(Float32Array.from({ length: rows! }, (_, i) => (i % 3 === 1 ? 0 : 1)))
    : null;
  const f = (x: tf.Tensor) => softmaxCrossEntropy(x, targets, mask);
  const run = () => [f(logits), tf.grad(f)(logits)];
  return { run, inputs: [logits, targets, ...(mask === null ? [] : [mask])] };
}

/** The loss refuses a target outside the vocabulary with a KernelInputError naming its row. */
export function expectTargetOutsideVocabularyRefused(): void {
  const logits = tf.zeros([3, 4]);
  const targets = tf.tensor([0, 4, 1], [3], 'int32');
  expect(() => softmaxCrossEntropy(logits, targets, null)).toThrow(
    expect.objectContaining({
      name: 'KernelInputError',
      message: expect.stringContaining('row 1 is outside the vocabulary [0, 4)'),
    }),
  );
  tf.dispose([logits, targets]);
}
