import { productJob, runAlone, type PoolJob } from './cpu-pool-jobs';
import type { HelperMessage } from './cpu-pool-protocol';
import { CTRL, CTRL_BYTES, CTRL_WORDS, floatArgs, GENERATIONS } from './cpu-pool-protocol';
import { MAX_CHUNKS, workOnJob } from './cpu-pool-protocol';
import type { ProductShape } from './cpu-product-rows';

// The training worker's side of the pool: it copies a job's inputs (a product's operands,
// attention's qkv, GELU's x: cpu-pool-jobs.ts) into shared memory, opens the job (waking the
// helpers, which wait on its claim word) and claims chunks alongside them; it then waits
// (Atomics.wait: a worker may block) only for chunks a helper holds. Every output element is
// written by one thread in the one-thread order, so the result has the one-thread bits however
// the chunks fall. A helper that never starts claims nothing; one that dies holding a chunk is
// noticed by the wait's timeout (or FAILED): the job is then computed again alone, and the pool
// retires for good.

/** What the pool needs of a helper: a Web Worker in the app, a worker_threads Worker in tests. */
export interface PoolHelper {
  postMessage(message: HelperMessage): void;
  terminate(): void;
}

export interface PoolOptions {
  /** How long a wait may see no chunk finish before the helpers count as dead. */
  readonly stallMs?: number;
}

/** A job smaller than this many multiply-adds is not worth splitting (≈ 0.1 ms alone). */
const MIN_WORK = 1 << 18;
/** Chunks per thread a job aims at: enough for a late or descheduled helper to even out. */
const CHUNKS_PER_THREAD = 8;
const DEFAULT_STALL_MS = 5000;
/** The shared operands' ceiling (address space reserved, not memory); larger products run alone. */
const MAX_BYTES = 1 << 30;

export class CpuPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(CTRL_BYTES), 0, CTRL_WORDS);
  /** A job's inputs and outputs, over a growable buffer (MAX_BYTES at most) it tracks. */
  private readonly data: Float32Array;
  private gen = 0;
  /** Jobs split over the threads since the pool started. */
  private jobs = 0;
  private retired: string | null = null;
  private readonly stallMs: number;

  constructor(
    private readonly helpers: readonly PoolHelper[],
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
    return this.run(productJob(a, b, s))[0]!;
  }

  /** The job's outputs, computed on every thread of the pool where the job is large enough. */
  run(job: PoolJob): Float32Array[] {
    // A helper that failed after its job's chunks were all done is noticed here, not never.
    if (this.retired === null && Atomics.load(this.control, CTRL.failed) !== 0) {
      this.retire('a pool helper failed');
    }
    if (this.retired !== null || job.work < MIN_WORK || job.units < 2 * job.grain) {
      return runAlone(job);
    }
    const size = [...job.inputs.map((x) => x.length), ...job.outputs].reduce((a, b) => a + b, 0);
    if (size * 4 > MAX_BYTES) return runAlone(job);
    const unitsEach = chunkUnits(job.units, this.threads, job.grain);
    const chunks = Math.ceil(job.units / unitsEach);
    const outputs = this.open(job, size, unitsEach, chunks);
    this.jobs++;
    workOnJob(this.control, this.data, this.gen);
    if (!this.waitForHelpers(chunks)) return runAlone(job);
    return outputs.map((output) => output.slice());
  }

  /** Stops the helpers; jobs run on this thread from now on. */
  retire(reason: string): void {
    if (this.retired !== null) return;
    this.retired = reason;
    for (const helper of this.helpers) helper.terminate();
  }

  /** Copies the inputs in, zeroes the outputs, publishes the job and opens job gen + 1. */
  private open(job: PoolJob, size: number, unitsEach: number, chunks: number): Float32Array[] {
    if (this.data.length < size) {
      // Grown by half again, so that a run's few job sizes settle early.
      const buffer = this.data.buffer as unknown as { grow(bytes: number): void };
      buffer.grow(Math.min(Math.ceil(size * 1.5) * 4, MAX_BYTES));
    }
    const words: [number, number][] = [];
    const views: Float32Array[] = [];
    let at = 0;
    for (const [i, length] of [...job.inputs.map((x) => x.length), ...job.outputs].entries()) {
      const view = this.data.subarray(at, at + length);
      if (i < job.inputs.length) view.set(job.inputs[i]!);
      else view.fill(0);
      views.push(view);
      words.push([CTRL.viewAt + 2 * i, at], [CTRL.viewAt + 2 * i + 1, length]);
      at += length;
    }
    for (const [i, value] of job.ints.entries()) words.push([CTRL.ints + i, value]);
    floatArgs(this.control).set(job.floats);
    words.push(
      [CTRL.kind, job.kind],
      [CTRL.units, job.units],
      [CTRL.chunkUnits, unitsEach],
      [CTRL.chunks, chunks],
      [CTRL.views, views.length],
      [CTRL.done, 0],
    );
    for (const [word, value] of words) Atomics.store(this.control, word, value);
    this.gen = (this.gen % (GENERATIONS - 1)) + 1;
    // The last store opens the job: whoever sees this generation sees the words above.
    Atomics.store(this.control, CTRL.claim, this.gen << 16);
    // Helpers wait on the claim word: no message per job (cpu-pool-helper.ts says why).
    Atomics.notify(this.control, CTRL.claim);
    return views.slice(job.inputs.length);
  }

  /**
   * Waits until every chunk is done. False (and the pool retired) when a helper failed, or when
   * no chunk finished for stallMs: the chunks it holds may never come, and C may be half written.
   */
  private waitForHelpers(chunks: number): boolean {
    let done = Atomics.load(this.control, CTRL.done);
    while (done < chunks) {
      if (Atomics.load(this.control, CTRL.failed) !== 0) {
        this.retire('a pool helper failed');
        return false;
      }
      Atomics.wait(this.control, CTRL.done, done, this.stallMs);
      const now = Atomics.load(this.control, CTRL.done);
      if (now === done && Atomics.load(this.control, CTRL.failed) === 0) {
        this.retire(`a pool helper held a chunk for over ${this.stallMs} ms`);
        return false;
      }
      done = now;
    }
    return true;
  }
}

/**
 * Units per chunk: a multiple of `grain` (a product's tiles are 4 rows), about CHUNKS_PER_THREAD
 * chunks per thread, and fewer than MAX_CHUNKS chunks.
 */
export function chunkUnits(units: number, threads: number, grain: number): number {
  const each = Math.max(grain, Math.ceil(units / (threads * CHUNKS_PER_THREAD) / grain) * grain);
  return Math.max(each, Math.ceil(units / (MAX_CHUNKS - 1) / grain) * grain);
}

/** Rows per chunk of a product (its tiles are 4 rows high). */
export const chunkRows = (m: number, threads: number) => chunkUnits(m, threads, 4);

/** The one-thread product: the reference every pooled product equals bit for bit. */
export const alone = (a: Float32Array, b: Float32Array, s: ProductShape): Float32Array =>
  runAlone(productJob(a, b, s))[0]!;
