import { runAlone, type PoolJob } from './cpu-pool-jobs';
import { CpuPool } from './cpu-pool';

// How many threads the CPU backend's pooled jobs (cpu-pool-jobs.ts) use, and the pool
// that runs them. Helpers need SharedArrayBuffer and Atomics.wait, so a cross-origin isolated
// page, and a second core to be worth anything: otherwise jobs stay on the training worker's
// one thread.

/** At most this many threads (the training worker and its helpers) share a product. */
const MAX_THREADS = 4;

let pool: CpuPool | null = null;
/** How the helpers' start went: e.g. "1 of 1 helpers serving after 53 ms". */
let startReport = 'no helpers started';

/** The pool products run on, or null: one thread. */
export function productThreads(): CpuPool | null {
  return pool;
}

/** A job's outputs (cpu-pool-jobs.ts), on the pool's threads if one runs, else here: same bits. */
export function runJob(job: PoolJob): Float32Array[] {
  return pool === null ? runAlone(job) : pool.run(job);
}

/** Runs products on `next` from now on (null: one thread); retires the pool it replaces. */
export function useCpuPool(next: CpuPool | null): void {
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

/** How long the backend's start waits for helpers to serve (a late one just claims later). */
const START_WAIT_MS = 3000;

/**
 * Starts the helpers in this (training) worker where they can help: one per further logical core,
 * up to MAX_THREADS threads in all, and waits until each says it serves, i.e. holds the shared
 * arrays (or START_WAIT_MS). The wait matters: Chromium holds messages posted to a worker until
 * its parent's loop runs the task that says the worker's script has run, and a training loop
 * whose awaits all resolve as microtasks (tfjs-cpu's reads, the bench's loop) never runs it: the
 * shared arrays would reach the helper only after training. So waiting for a message the helper
 * posts from its script is not enough (that one overtakes the task; the bench's helpers then
 * computed nothing); the helper answers from its handler. Idempotent. A helper that fails to load
 * never claims a chunk (its products are done here); its error retires the pool, so later
 * products skip the copies.
 */
export async function startProductThreads(): Promise<void> {
  if (pool !== null || whyOneThread() !== null) return;
  const threads = Math.min(self.navigator.hardwareConcurrency, MAX_THREADS);
  const helpers: Worker[] = [];
  try {
    for (let i = 1; i < threads; i++) {
      // Inline `new Worker(new URL(…), {…})`: the form Vite turns into a bundled worker entry.
      const worker = new Worker(new URL('./cpu-pool-helper.worker.ts', import.meta.url), {
        type: 'module',
        name: `cpu-products-${i}`,
      });
      helpers.push(worker);
    }
  } catch {
    for (const worker of helpers) worker.terminate();
    return;
  }
  const started = new CpuPool(helpers);
  pool = started;
  const waitStart = performance.now();
  let serving = 0;
  const listening = helpers.map(
    (worker) =>
      new Promise<void>((resolve) => {
        worker.onmessage = () => {
          serving++;
          resolve();
        };
        worker.onerror = () => {
          started.retire('a pool helper failed to start or crashed');
          resolve();
        };
      }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
  await Promise.race([Promise.all(listening), late]);
  clearTimeout(timer);
  const ms = Math.round(performance.now() - waitStart);
  startReport = `${serving} of ${helpers.length} helpers serving after ${ms} ms`;
}

/** The badge's words for the products' threads, e.g. "2 threads of 2 logical cores". */
export function describeProductThreads(): string {
  const cores = globalThis.navigator?.hardwareConcurrency || 1;
  const of = `of ${cores} logical core${cores === 1 ? '' : 's'}`;
  if (pool === null) return `1 thread, ${whyOneThread() ?? 'no helpers started'}`;
  const why = pool.retiredBecause;
  return why === null ? `${pool.threads} threads ${of}` : `1 thread (${why})`;
}

/**
 * What the helpers have done since the backend started (the bench's row, `?debug=1`'s profile):
 * e.g. "2 threads of 2 logical cores; helpers computed 3845 chunks of jobs,
 * woken 467 times for 468 jobs (1 of 1 helpers serving after 53 ms)".
 */
export function describeProductWork(): string {
  if (pool === null) return describeProductThreads();
  const { serving, wakes, jobs } = pool.helpersServing;
  return (
    `${describeProductThreads()}; helpers computed ${pool.helperChunks} chunks of jobs, ` +
    `woken ${wakes} times for ${jobs} jobs (${startReport}; ${serving} serving now)`
  );
}
