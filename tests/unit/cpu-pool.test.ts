import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Prng } from '../../src/shared/prng';
import {
  alone,
  chunkRows,
  CpuPool,
  type PoolHelper,
} from '../../workers/training/kernels/cpu/cpu-pool';
import { CTRL, type HelperMessage } from '../../workers/training/kernels/cpu/cpu-pool-protocol';
import type { ProductShape } from '../../workers/training/kernels/cpu/cpu-product-rows';
import { useCpuPool } from '../../workers/training/kernels/cpu/cpu-threads';
import { installCpuKernels } from '../../workers/training/kernels/cpu/install-cpu-kernels';
import { dense } from '../../workers/training/ops';
import { asHelper, expectSameBits, poolWithTwoHelpers, startHelper } from './cpu-pool-fixtures';
import { useCpuBackend } from './tf-setup';
import { bytesOfAll, random } from './wasm-op-fixtures';

// The CPU backend's products split by output rows over helper threads (worker_threads here, Web
// Workers in the app) must give the one-thread bits exactly, whatever the split, and a helper
// that never starts, hangs holding a chunk or fails must not hang or change a product.

/** The layouts of cpu-matmul.ts: A [m, k] or stored [k, m]; B [k, n] or stored [n, k]. */
const layouts = {
  NN: (m: number, k: number, n: number): ProductShape => ({ ai: k, ak: 1, bk: n, bj: 1, m, k, n }),
  NT: (m: number, k: number, n: number): ProductShape => ({ ai: k, ak: 1, bk: 1, bj: k, m, k, n }),
  TN: (m: number, k: number, n: number): ProductShape => ({ ai: 1, ak: m, bk: n, bj: 1, m, k, n }),
};

/** gpt-nano's products (1,024 tokens, d_model 96, MLP 384, the 27-token head) and odd ones. */
const SHAPES: [number, number, number][] = [
  [1024, 96, 384],
  [1024, 384, 96],
  [96, 1024, 384],
  [1024, 96, 27],
  [27, 1024, 96],
  [1023, 97, 66],
  [37, 1001, 53],
  [9, 4099, 7],
];

function values(size: number, prng: Prng): Float32Array {
  return Float32Array.from({ length: size }, () => prng.nextNormal());
}

/** Every layout at every shape: the pooled product against the one-thread one. */
function expectPooledEqualsAlone(pool: CpuPool, prng: Prng): void {
  for (const [m, k, n] of SHAPES) {
    for (const [name, layout] of Object.entries(layouts)) {
      const s = layout(m, k, n);
      const [a, b] = [values(m * k, prng), values(k * n, prng)];
      const pooled = pool.product(a, b, s);
      expect(pooled.buffer, `${name} ${m}×${k}×${n}: a result of its own`).toBeInstanceOf(
        ArrayBuffer,
      );
      expectSameBits(pooled, alone(a, b, s));
    }
  }
}

describe('the CPU pool with real helper threads', () => {
  const twoHelpers = poolWithTwoHelpers();
  let pool: CpuPool;
  beforeEach(() => {
    pool = twoHelpers();
  });

  it('gives the one-thread bits at gpt-nano and odd shapes, the helpers computing chunks', () => {
    const prng = Prng.fromSeed(19);
    // Until a helper has computed chunks (each job posts to both; they get to it in ms).
    for (let round = 0; round < 20 && pool.helperChunks === 0; round++) {
      expectPooledEqualsAlone(pool, prng);
    }
    expect(pool.helperChunks).toBeGreaterThan(0);
    expect(pool.threads).toBe(3);
    expect(pool.retiredBecause).toBeNull();
  });

  it("gives dense's forward and gradients the one-thread bits through the kernels", async () => {
    await useCpuBackend();
    installCpuKernels();
    const prng = Prng.fromSeed(7);
    const [x, kernel, bias, w] = [
      random([16, 64, 96], prng),
      random([96, 384], prng),
      random([384], prng),
      random([16, 64, 384], prng),
    ];
    const run = () =>
      tf.tidy(() => {
        const f = (xs: tf.Tensor, ks: tf.Tensor, bs: tf.Tensor) => dense(xs, ks, bs);
        const grads = tf.grads((a, b, c) => tf.sum(tf.mul(f(a!, b!, c!), w)));
        return [f(x, kernel, bias), ...grads([x, kernel, bias])];
      });
    useCpuPool(null);
    const single = await bytesOfAll(run());
    const before = pool.helperChunks;
    useCpuPool(pool);
    const pooled = await bytesOfAll(run());
    expect(pool.retiredBecause).toBeNull();
    expect(pool.helperChunks).toBeGreaterThan(before);
    // Compared as bytes, not with toEqual: on a failure its diff of 0.4M values could take minutes.
    for (const [i, bytes] of single.entries()) {
      expect(Buffer.compare(pooled[i]!, bytes), `output ${i}`).toBe(0);
    }
    tf.dispose([x, kernel, bias, w]);
  });
});

describe('a helper starting', () => {
  it('says it serves only once it holds the shared arrays, and counts the jobs it wakes to', async () => {
    const worker = await startHelper();
    try {
      const serving = new Promise((resolve) => worker.once('message', resolve));
      const pool = new CpuPool([asHelper(worker)]);
      expect(await serving).toBe('serving');
      // Counted in the shared words before the message: the helper is in its loop now.
      expect(pool.helpersServing).toEqual({ serving: 1, wakes: 0, jobs: 0 });
      const prng = Prng.fromSeed(5);
      const s = layouts.NN(1024, 96, 384);
      const [a, b] = [values(1024 * 96, prng), values(96 * 384, prng)];
      for (let job = 0; job < 3; job++) expectSameBits(pool.product(a, b, s), alone(a, b, s));
      expect(pool.helpersServing.jobs).toBe(3);
      // It sees a new generation at the latest after the last job (a loaded machine may not
      // run it sooner); one still busy with a job when the next opens reads it without waking.
      await vi.waitFor(() => expect(pool.helpersServing.wakes).toBeGreaterThan(0), {
        timeout: 10_000,
      });
      expect(pool.helpersServing.wakes).toBeLessThanOrEqual(3);
      pool.retire('test over');
    } finally {
      await worker.terminate();
    }
  });
});

/**
 * A helper that misbehaves, in plain JavaScript on its own thread: once a job opens it claims
 * one chunk (the protocol's compare-and-swap, CLAIM's word) and then runs `then`.
 */
function misbehavingHelper(then: string): PoolHelper & { terminated: boolean } {
  const source = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ control }) => {
  for (;;) {
    const word = Atomics.load(control, ${CTRL.claim});
    // A real chunk of an open job (as claimChunk), never one past a job's end.
    const open = word !== 0 && (word & 0xffff) < Atomics.load(control, ${CTRL.chunks});
    if (open && Atomics.compareExchange(control, ${CTRL.claim}, word, word + 1) === word) break;
    Atomics.wait(control, ${CTRL.claim}, word, 50);
  }
  ${then}
});`;
  const worker = new Worker(source, { eval: true });
  const helper = {
    terminated: false,
    postMessage: (message: HelperMessage) => worker.postMessage(message),
    terminate: () => {
      helper.terminated = true;
      void worker.terminate();
    },
  };
  return helper;
}

describe('the CPU pool without a working helper', () => {
  const s = layouts.NN(256, 96, 384);
  const prng = Prng.fromSeed(3);
  const [a, b] = [values(256 * 96, prng), values(96 * 384, prng)];

  it('computes every chunk itself when a helper never starts', () => {
    const silent: PoolHelper = { postMessage: () => {}, terminate: () => {} };
    const pool = new CpuPool([silent]);
    expectSameBits(pool.product(a, b, s), alone(a, b, s));
    expect(pool.threads).toBe(2);
    expect(pool.helperChunks).toBe(0);
  });

  it('goes to one thread, with the one-thread bits, when a helper holds a chunk and stalls', async () => {
    const stalled = misbehavingHelper(
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
    );
    const pool = new CpuPool([stalled], { stallMs: 300 });
    // Products until the helper (a thread that takes a moment to start) has held a chunk.
    while (pool.retiredBecause === null) expectSameBits(pool.product(a, b, s), alone(a, b, s));
    expect(pool.retiredBecause).toMatch(/held a chunk for over 300 ms/);
    expect(pool.threads).toBe(1);
    expect(stalled.terminated).toBe(true);
    expectSameBits(pool.product(a, b, s), alone(a, b, s));
  });

  it('goes to one thread when a helper reported a failure between jobs', () => {
    // FAILED set with no chunk held: no wait would ever see it, the next product must.
    const failedEarly: PoolHelper = {
      postMessage: ({ control }) => void Atomics.store(control, CTRL.failed, 1),
      terminate: () => {},
    };
    const pool = new CpuPool([failedEarly]);
    expectSameBits(pool.product(a, b, s), alone(a, b, s));
    expect(pool.retiredBecause).toBe('a pool helper failed');
    expect(pool.threads).toBe(1);
  });

  it('goes to one thread at once when a helper reports a failed chunk', () => {
    const failing = misbehavingHelper(
      `Atomics.store(control, ${CTRL.failed}, 1); Atomics.notify(control, ${CTRL.done});`,
    );
    const pool = new CpuPool([failing], { stallMs: 60_000 });
    const started = performance.now();
    while (pool.retiredBecause === null) expectSameBits(pool.product(a, b, s), alone(a, b, s));
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(pool.retiredBecause).toBe('a pool helper failed');
  });

  it('splits rows at multiples of 4, one chunk at least per thread', () => {
    for (const [m, threads] of [
      [1024, 2],
      [96, 2],
      [9, 4],
      [1 << 20, 2],
    ] as const) {
      const rows = chunkRows(m, threads);
      expect(rows % 4).toBe(0);
      expect(Math.ceil(m / rows)).toBeLessThan(1 << 16);
    }
  });
});
