import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import type { AttentionDims } from '../../workers/training/kernels/cpu/cpu-attention-rows';
import {
  attentionBackwardJob,
  attentionForwardJob,
  crossEntropyGradJob,
  geluBackwardJob,
  geluForwardJob,
  JOB,
  layerNormJob,
  runAlone,
  type PoolJob,
} from '../../workers/training/kernels/cpu/cpu-pool-jobs';
import { CpuPool } from '../../workers/training/kernels/cpu/cpu-pool';
import { useCpuPool } from '../../workers/training/kernels/cpu/cpu-threads';
import { installCpuKernels } from '../../workers/training/kernels/cpu/install-cpu-kernels';
import {
  causalSelfAttention,
  gelu,
  layerNorm,
  softmaxCrossEntropy,
} from '../../workers/training/ops';
import { expectSameBits, poolWithTwoHelpers } from './cpu-pool-fixtures';
import { useCpuBackend } from './tf-setup';
import { bytesOfAll, random, randomIds } from './wasm-op-fixtures';

// Attention (by (batch, head) pairs), GELU (by element ranges), layer norm's forward and the
// loss's gradient (by rows) split over the CPU pool's helper threads must give the
// one-thread bits exactly, at gpt-nano's shapes and odd ones, and through the kernels as a step
// calls them.

/** [batch, t, heads, head size]: gpt-nano's (16, 64, 3 heads of 32) and odd ones. */
const ATTENTION: [number, number, number, number][] = [
  [16, 64, 3, 32],
  [3, 7, 2, 5],
  [5, 33, 3, 7],
  [1, 64, 9, 4],
];
/** GELU's elements: gpt-nano's MLP [16, 64, 384] and lengths off its 512-element passes. */
const GELU = [16 * 64 * 384, 1000 * 67 + 1, 4096 + 511];
/** [rows, d] of layer norm and [rows, vocab] of the loss: gpt-nano's and odd ones. */
const LAYER_NORM: [number, number][] = [
  [1024, 96],
  [1023, 97],
  [777, 129],
];
const CROSS_ENTROPY: [number, number][] = [
  [1024, 256],
  [1001, 27],
  [9, 4099],
];

function values(size: number, prng: Prng, scale = 1): Float32Array {
  return Float32Array.from({ length: size }, () => scale * prng.nextNormal());
}

/** Every job at `pool`: each output bitwise the one-thread one (runAlone). */
function expectPooledEqualsAlone(pool: CpuPool, jobs: readonly PoolJob[]): void {
  for (const job of jobs) {
    const pooled = pool.run(job);
    const single = runAlone(job);
    expect(pooled.length).toBe(single.length);
    for (const [i, output] of pooled.entries()) {
      expect(output.buffer, `kind ${job.kind} output ${i}: its own`).toBeInstanceOf(ArrayBuffer);
      expectSameBits(output, single[i]!);
    }
  }
}

function attentionJobs(prng: Prng): PoolJob[] {
  return ATTENTION.flatMap(([batch, t, heads, hd]) => {
    const dims: AttentionDims = { batch, t, heads, hd, scale: 1 / Math.sqrt(hd) };
    const qkv = values(batch * t * 3 * heads * hd, prng);
    const dy = values(batch * t * heads * hd, prng);
    const [, probs] = runAlone(attentionForwardJob(qkv, dims));
    return [attentionForwardJob(qkv, dims), attentionBackwardJob(dy, qkv, probs!, dims)];
  });
}

function geluJobs(prng: Prng): PoolJob[] {
  return GELU.flatMap((n) => {
    const [x, dy] = [values(n, prng, 3), values(n, prng)];
    return [geluForwardJob(x), geluBackwardJob(dy, x)];
  });
}

function rowJobs(prng: Prng): PoolJob[] {
  const norms = LAYER_NORM.map(([rows, d]) => {
    const inputs = [values(rows * d, prng, 2), values(d, prng), values(d, prng)] as const;
    return layerNormJob(inputs, [rows, d], 1e-5);
  });
  const losses = CROSS_ENTROPY.map(([rows, vocab]) => {
    const targets = Int32Array.from({ length: rows }, () => prng.nextInt(vocab));
    const [x, weights, lse] = [
      values(rows * vocab, prng, 3),
      values(rows, prng),
      values(rows, prng),
    ];
    return crossEntropyGradJob([x, targets, weights, lse], vocab, 0.37);
  });
  return [...norms, ...losses];
}

describe('attention, GELU, layer norm and the loss on the CPU pool with real helper threads', () => {
  const twoHelpers = poolWithTwoHelpers();
  let pool: CpuPool;
  beforeEach(() => {
    pool = twoHelpers();
  });

  it.each([
    ['attention', attentionJobs],
    ['GELU', geluJobs],
    ['layer norm and the loss gradient', rowJobs],
  ])('%s: the one-thread bits, the helpers computing chunks', (_, jobsOf) => {
    const prng = Prng.fromSeed(23);
    const jobs = jobsOf(prng);
    expect(new Set(jobs.map((j) => j.kind)).size).toBe(2);
    const before = pool.helperChunks;
    // Until a helper has computed chunks of these jobs (they wake to a job within ms).
    for (let round = 0; round < 20 && pool.helperChunks === before; round++) {
      expectPooledEqualsAlone(pool, jobs);
    }
    expect(pool.helperChunks).toBeGreaterThan(before);
    expect(pool.retiredBecause).toBeNull();
  });

  it('gives the kernels the one-thread bits in a step’s forward and gradient', async () => {
    await useCpuBackend();
    installCpuKernels();
    const prng = Prng.fromSeed(31);
    const heads = 3;
    const [qkv, w] = [random([16, 64, 288], prng), random([16, 64, 96], prng)];
    const [gamma, beta] = [random([96], prng), random([96], prng)];
    const targets = randomIds([1024], 96, prng);
    const run = () =>
      tf.tidy(() => {
        const f = (x: tf.Tensor) => {
          const y = layerNorm(gelu(causalSelfAttention(x, heads)), gamma, beta);
          return softmaxCrossEntropy(tf.reshape(tf.mul(y, w), [1024, 96]), targets, null);
        };
        return [f(qkv), tf.grad(f)(qkv)];
      });
    useCpuPool(null);
    const single = await bytesOfAll(run());
    const before = pool.helperChunks;
    useCpuPool(pool);
    const pooled = await bytesOfAll(run());
    expect(pool.retiredBecause).toBeNull();
    expect(pool.helperChunks).toBeGreaterThan(before);
    // Counted, not toEqual: a diff of half a million bytes would take the runner minutes.
    for (const [i, bytes] of single.entries()) {
      const ours = pooled[i]!;
      expect(ours.length, `output ${i}`).toBe(bytes.length);
      expect(ours.filter((byte, at) => byte !== bytes[at]).length, `output ${i}`).toBe(0);
    }
    tf.dispose([qkv, w, gamma, beta, targets]);
  });
});

describe('a job the pool does not know', () => {
  it('fails with a named kind instead of computing something else', () => {
    const job: PoolJob = { ...geluForwardJob(new Float32Array(8)), kind: 99 as typeof JOB.product };
    expect(() => runAlone(job)).toThrow(/no job of kind 99/);
  });
});
