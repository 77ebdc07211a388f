import { ProductPool } from './cpu-product-pool';

// How many threads the CPU backend's products use, and the pool that runs them. Helpers need
// SharedArrayBuffer and Atomics.wait, so a cross-origin isolated page, and a second core to be
// worth anything: otherwise products stay on the training worker's one thread.

/** At most this many threads (the training worker and its helpers) share a product. */
const MAX_THREADS = 4;

let pool: ProductPool | null = null;

/** The pool products run on, or null: one thread. */
export function productThreads(): ProductPool | null {
  return pool;
}

/** Runs products on `next` from now on (null: one thread); retires the pool it replaces. */
export function useProductPool(next: ProductPool | null): void {
  if (pool !== null && pool !== next) pool.retire('replaced');
  pool = next;
}

/** Why the products run on one thread here, or null when helpers can start. */
export function whyOneThread(): string | null {
  // globalThis, not self: Node (unit tests, `npm run profile`) has no self and is not isolated.
  if (typeof SharedArrayBuffer === 'undefined' || globalThis.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated';
  }
  if ((globalThis.navigator?.hardwareConcurrency || 1) < 2) return 'one logical core';
  return null;
}

/** How long the backend's start waits for helpers to listen (a late one just claims later). */
const START_WAIT_MS = 3000;

/**
 * Starts the helpers in this (training) worker where they can help: one per further logical core,
 * up to MAX_THREADS threads in all, and waits until they listen (or START_WAIT_MS). The wait
 * matters: a worker started from a worker finishes starting in tasks on its parent's event
 * loop, which a training loop whose awaits all resolve as microtasks (tfjs-cpu's reads) would
 * never let run. Idempotent. A helper that fails to load never claims a chunk (its products
 * are done here); its error retires the pool, so later products skip the copies.
 */
export async function startProductThreads(): Promise<void> {
  if (pool !== null || whyOneThread() !== null) return;
  const threads = Math.min(self.navigator.hardwareConcurrency, MAX_THREADS);
  const helpers: Worker[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      // Inline `new Worker(new URL(…), {…})`: the form Vite turns into a bundled worker entry.
      const worker = new Worker(new URL('./cpu-product-helper.worker.ts', import.meta.url), {
        type: 'module',
        name: `cpu-products-${i}`,
      });
      helpers.push(worker);
    }
  } catch {
    for (const worker of helpers) worker.terminate();
    return;
  }
  const started = new ProductPool(helpers);
  pool = started;
  const listening = helpers.map(
    (worker) =>
      new Promise<void>((resolve) => {
        worker.onmessage = () => resolve();
        worker.onerror = () => {
          started.retire('a product helper failed to start or crashed');
          resolve();
        };
      }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
  await Promise.race([Promise.all(listening), late]);
  clearTimeout(timer);
}

/** The badge's words for the products' threads, e.g. "2 threads of 2 logical cores". */
export function describeProductThreads(): string {
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  const of = `of ${cores} logical core${cores === 1 ? '' : 's'}`;
  if (pool === null) return `1 thread, ${whyOneThread() ?? 'no helpers started'}`;
  const why = pool.retiredBecause;
  return why === null ? `${pool.threads} threads ${of}` : `1 thread (${why})`;
}
