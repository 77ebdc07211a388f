import { packColumns, productRows, type ProductShape } from './cpu-product-rows';
import type { HelperMessage } from './cpu-product-protocol';
import { CTRL, CTRL_WORDS, GENERATIONS, MAX_CHUNKS, workOnJob } from './cpu-product-protocol';

// The training worker's side of the product pool: it copies a product's operands into shared
// memory, opens a job (waking the helpers, which wait on its claim word) and claims chunks
// alongside them; it then waits
// (Atomics.wait: a worker may block) only for chunks a helper holds. Every output element is
// written by one thread in the one-thread order (cpu-product-rows.ts), so the result has the
// one-thread bits however the chunks fall. A helper that never starts claims nothing; one that
// dies holding a chunk is noticed by the wait's timeout (or FAILED): the product is then computed
// again alone, and the pool retires for good.

/** What the pool needs of a helper: a Web Worker in the app, a worker_threads Worker in tests. */
export interface ProductHelper {
  postMessage(message: HelperMessage): void;
  terminate(): void;
}

export interface PoolOptions {
  /** How long a wait may see no chunk finish before the helpers count as dead. */
  readonly stallMs?: number;
}

/** A product smaller than this many multiply-adds is not worth a job (≈ 0.1 ms alone). */
const MIN_WORK = 1 << 18;
/** Chunks per thread a job aims at: enough for a late or descheduled helper to even out. */
const CHUNKS_PER_THREAD = 8;
const DEFAULT_STALL_MS = 5000;
/** The shared operands' ceiling (address space reserved, not memory); larger products run alone. */
const MAX_BYTES = 1 << 30;

export class ProductPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  /** A, B and C, over a growable buffer (MAX_BYTES at most) whose length it tracks. */
  private readonly data: Float32Array;
  private gen = 0;
  /** Products split into a job since the pool started. */
  private jobs = 0;
  private retired: string | null = null;
  private readonly stallMs: number;

  constructor(
    private readonly helpers: readonly ProductHelper[],
    options: PoolOptions = {},
  ) {
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    const Growable = SharedArrayBuffer as unknown as new (
      bytes: number,
      options: { maxByteLength: number },
    ) => SharedArrayBuffer;
    this.data = new Float32Array(new Growable(0, { maxByteLength: MAX_BYTES }));
    // The one message a helper gets: it starts waiting on the claim word as soon as it has it.
    for (const helper of helpers) {
      helper.postMessage({ type: 'buffers', control: this.control, data: this.data });
    }
  }

  /** Threads a product may use now: the helpers and this one, or 1 once retired. */
  get threads(): number {
    return this.retired === null ? this.helpers.length + 1 : 1;
  }

  /** Why the pool went to one thread, or null while it runs. */
  get retiredBecause(): string | null {
    return this.retired;
  }

  /** Chunks the helpers have computed since the pool started. */
  get helperChunks(): number {
    return Atomics.load(this.control, CTRL.helperChunks);
  }

  /** Helpers that have the shared arrays and serve jobs, and the jobs they woke to. */
  get helpersServing(): { serving: number; wakes: number; jobs: number } {
    const serving = Atomics.load(this.control, CTRL.serving);
    return { serving, wakes: Atomics.load(this.control, CTRL.wakes), jobs: this.jobs };
  }

  /** c = A · B, on every thread of the pool where the product is large enough. */
  product(a: Float32Array, b: Float32Array, s: ProductShape): Float32Array {
    // A helper that failed after its job's chunks were all done is noticed here, not never.
    if (this.retired === null && Atomics.load(this.control, CTRL.failed) !== 0) {
      this.retire('a product helper failed');
    }
    if (this.retired !== null || s.m < 8 || s.m * s.k * s.n < MIN_WORK) return alone(a, b, s);
    if ((a.length + b.length + s.m * s.n) * 4 > MAX_BYTES) return alone(a, b, s);
    const rows = chunkRows(s.m, this.threads);
    const chunks = Math.ceil(s.m / rows);
    const c = this.open(a, b, s, rows, chunks);
    this.jobs++;
    workOnJob(this.control, this.data, this.gen);
    if (!this.waitForHelpers(chunks)) return alone(a, b, s);
    return c.slice();
  }

  /** Stops the helpers; products run on this thread from now on. */
  retire(reason: string): void {
    if (this.retired !== null) return;
    this.retired = reason;
    for (const helper of this.helpers) helper.terminate();
  }

  /** Copies the operands in, zeroes C, publishes the shape and opens job gen + 1. */
  private open(a: Float32Array, b: Float32Array, s: ProductShape, rows: number, chunks: number) {
    const cAt = a.length + b.length;
    const size = cAt + s.m * s.n;
    if (this.data.length < size) {
      // Grown by half again, so that a run's few product sizes settle early.
      const buffer = this.data.buffer as unknown as { grow(bytes: number): void };
      buffer.grow(Math.min(Math.ceil(size * 1.5) * 4, MAX_BYTES));
    }
    this.data.set(a, 0);
    this.data.set(b, a.length);
    const c = this.data.subarray(cAt, size);
    c.fill(0);
    const words: [number, number][] = [
      [CTRL.m, s.m],
      [CTRL.k, s.k],
      [CTRL.n, s.n],
      [CTRL.ai, s.ai],
      [CTRL.ak, s.ak],
      [CTRL.bk, s.bk],
      [CTRL.bj, s.bj],
      [CTRL.aAt, 0],
      [CTRL.bAt, a.length],
      [CTRL.cAt, cAt],
      [CTRL.chunkRows, rows],
      [CTRL.chunks, chunks],
      [CTRL.done, 0],
    ];
    for (const [at, value] of words) Atomics.store(this.control, at, value);
    this.gen = (this.gen % (GENERATIONS - 1)) + 1;
    // The last store opens the job: whoever sees this generation sees the words above.
    Atomics.store(this.control, CTRL.claim, this.gen << 16);
    // Helpers wait on the claim word: no message per job (cpu-product-helper.ts says why).
    Atomics.notify(this.control, CTRL.claim);
    return c;
  }

  /**
   * Waits until every chunk is done. False (and the pool retired) when a helper failed, or when
   * no chunk finished for stallMs: the chunks it holds may never come, and C may be half written.
   */
  private waitForHelpers(chunks: number): boolean {
    let done = Atomics.load(this.control, CTRL.done);
    while (done < chunks) {
      if (Atomics.load(this.control, CTRL.failed) !== 0) {
        this.retire('a product helper failed');
        return false;
      }
      Atomics.wait(this.control, CTRL.done, done, this.stallMs);
      const now = Atomics.load(this.control, CTRL.done);
      if (now === done && Atomics.load(this.control, CTRL.failed) === 0) {
        this.retire(`a product helper held a chunk for over ${this.stallMs} ms`);
        return false;
      }
      done = now;
    }
    return true;
  }
}

/** Rows per chunk: a multiple of 4 (the tiles' height), about CHUNKS_PER_THREAD per thread. */
export function chunkRows(m: number, threads: number): number {
  const rows = Math.max(4, Math.ceil(m / (threads * CHUNKS_PER_THREAD) / 4) * 4);
  return Math.max(rows, Math.ceil(m / (MAX_CHUNKS - 1) / 4) * 4);
}

/** The one-thread product: the reference every pooled product equals bit for bit. */
export function alone(a: Float32Array, b: Float32Array, s: ProductShape): Float32Array {
  const c = new Float32Array(s.m * s.n);
  productRows(a, b, packColumns(b, s), s, c, 0, s.m);
  return c;
}
