import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** tfjs-wasm's own ceiling on XNNPACK's pool (backend.cc), which we keep. */
const MAX_THREADS = 8;

/** The threads the trainer asks for: every logical core (at most 8), where threads can run. */
export function wantedWasmThreads(threadsSupported: boolean): number {
  return threadsSupported ? Math.min(self.navigator.hardwareConcurrency || 1, MAX_THREADS) : 1;
}

/**
 * Runs `start` (the wasm backend's start) with XNNPACK's pool sized to `threads`. tfjs-wasm
 * sizes its pool min(requested, hardwareConcurrency / 2, 8) on the assumption of two hardware
 * threads per core, which leaves one of a 2-vCPU machine's cores idle; measured there, two
 * threads train the gpt-nano step faster than one (docs/PERFORMANCE.md). Its glue reads
 * navigator.hardwareConcurrency once, while the backend starts, so for that moment the worker
 * reports twice the threads wanted; the real figure is back as soon as the start is over.
 */
export async function withWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  setThreadsCount(threads);
  const navigator = self.navigator as { hardwareConcurrency: number };
  const own = Object.getOwnPropertyDescriptor(navigator, 'hardwareConcurrency');
  Object.defineProperty(navigator, 'hardwareConcurrency', {
    configurable: true,
    get: () => 2 * threads,
  });
  try {
    return await start();
  } finally {
    if (own === undefined)
      delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
    else Object.defineProperty(navigator, 'hardwareConcurrency', own);
  }
}
