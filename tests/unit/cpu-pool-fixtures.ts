import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { expect } from 'vitest';
import type { PoolHelper } from '../../workers/training/kernels/cpu/cpu-pool';

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

/** The same float32 bits, element for element. */
export function expectSameBits(ours: Float32Array, theirs: Float32Array): void {
  const a = new Uint32Array(ours.buffer, ours.byteOffset, ours.length);
  const b = new Uint32Array(theirs.buffer, theirs.byteOffset, theirs.length);
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
  expect(ours.length).toBe(theirs.length);
  expect(differing).toBe(0);
}
