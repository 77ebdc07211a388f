import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, expect } from 'vitest';
import { CpuPool, type PoolHelper } from '../../workers/training/kernels/cpu/cpu-pool';
import { useCpuPool } from '../../workers/training/kernels/cpu/cpu-threads';
import { removeCpuKernels } from '../../workers/training/kernels/cpu/install-cpu-kernels';

// Helper threads for the CPU pool's tests (worker_threads here, Web Workers in the app), and
// the bitwise comparison every pooled result is held to.

const HELPER = fileURLToPath(
  new URL('../../workers/training/kernels/cpu/cpu-pool-helper.ts', import.meta.url),
);
// A helper as the app's entry runs it, loaded through Vite's module runner (Node runs no TS).
const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads');
import('vite').then(async ({ runnerImport }) => {
  const { module } = await runnerImport(${JSON.stringify(HELPER)});
  module.serveProducts(
    (onMessage) => parentPort.on('message', onMessage),
    () => parentPort.postMessage('serving'),
  );
  parentPort.postMessage('ready');
});`;

/** A helper thread running the app's helper module, once it has loaded. */
export async function startHelper(): Promise<Worker> {
  const worker = new Worker(HELPER_SOURCE, { eval: true });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return worker;
}

/** A node Worker as the pool's helper (its terminate returns a promise the pool ignores). */
export function asHelper(worker: Worker): PoolHelper {
  return {
    postMessage: (message) => worker.postMessage(message),
    terminate: () => void worker.terminate(),
  };
}

/**
 * A pool of this thread and two real helper threads for the enclosing describe block: started
 * before its tests, and after them stopped, with the CPU kernels and the pool the tests
 * installed taken out again. One pool for all of the block's tests: a helper serves the pool
 * whose buffers it was sent last.
 */
export function poolWithTwoHelpers(): () => CpuPool {
  let helpers: Worker[] = [];
  let pool: CpuPool | null = null;
  beforeAll(async () => {
    helpers = await Promise.all([startHelper(), startHelper()]);
    pool = new CpuPool(helpers.map(asHelper));
  });
  afterAll(async () => {
    useCpuPool(null);
    removeCpuKernels();
    await Promise.all(helpers.map((h) => h.terminate()));
  });
  return () => {
    if (pool === null) throw new Error('the pool starts in beforeAll');
    return pool;
  };
}

/** The same float32 bits, element for element. */
export function expectSameBits(ours: Float32Array, theirs: Float32Array): void {
  const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.length);
  const b = new Uint32Array(theirs.buffer, theirs.byteOffset, theirs.length);
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
  expect(ours.length).toBe(theirs.length);
  expect(differing).toBe(0);
}
