import { bindChunks, MAX_FLOATS, MAX_INTS, MAX_VIEWS } from './cpu-pool-jobs';

// What the training worker and its helpers share: one Int32Array of control words (with a few
// doubles after them, the job's float arguments) and one Float32Array of operands (the job's
// inputs, then its outputs), both over SharedArrayBuffers. A job (a product, attention, GELU:
// its kind word says which, cpu-pool-jobs.ts) is a set of chunks of units; a thread owns a chunk
// by one compare-and-swap on CLAIM, which holds the job's generation beside the next free chunk,
// so a helper that reads a job late (it woke after the job was over) claims nothing from the next.

/** The control words, by index. */
export const CTRL = {
  /** (generation << 16) | next unclaimed chunk. */
  claim: 0,
  /** Chunks finished in the current job; helpers notify on it. */
  done: 1,
  /** Set to 1 by a helper whose chunk threw: the pool stops waiting and goes to one thread. */
  failed: 2,
  /** Chunks computed by helpers since the pool started (tests and the profile read it). */
  helperChunks: 3,
  /** Helpers that hold the shared arrays and serve jobs (the bench and the profile read it). */
  serving: 4,
  /** Times a helper woke to a new job (the bench and the profile read it). */
  wakes: 5,
  /** The job's kind (JOB of cpu-pool-jobs.ts). */
  kind: 6,
  /** Units of the job, units a chunk (the last may hold fewer), and chunks. */
  units: 7,
  chunkUnits: 8,
  chunks: 9,
  /** How many views the job has (inputs then outputs), and their (offset, length) in data. */
  views: 10,
  viewAt: 11,
  /** The job's integer arguments (MAX_INTS words from here). */
  ints: 11 + 2 * MAX_VIEWS,
} as const;
export const CTRL_WORDS = CTRL.ints + MAX_INTS;
/** The control buffer's bytes: the words, then MAX_FLOATS doubles at an 8-byte boundary. */
const FLOATS_AT = Math.ceil((CTRL_WORDS * 4) / 8) * 8;
export const CTRL_BYTES = FLOATS_AT + MAX_FLOATS * 8;

/** The job's float arguments, after the control words in the same buffer. */
export function floatArgs(control: Int32Array): Float64Array {
  return new Float64Array(control.buffer, FLOATS_AT, MAX_FLOATS);
}

/** Generations cycle below 2^15 so (gen << 16) stays a positive int32; chunks stay < 2^16. */
export const GENERATIONS = 1 << 15;
export const MAX_CHUNKS = 1 << 16;

/**
 * Training worker → helper, once, when the pool starts: the shared arrays. The operands' buffer
 * is growable and `data` tracks its length, so no later message is needed.
 */
export interface ProductBuffers {
  readonly type: 'buffers';
  readonly control: Int32Array;
  readonly data: Float32Array;
}

export type HelperMessage = ProductBuffers;

/** The next chunk of job `gen` for the caller, or -1 when the job is over or another's. */
export function claimChunk(control: Int32Array, gen: number): number {
  for (;;) {
    const word = Atomics.load(control, CTRL.claim);
    if (word >>> 16 !== gen) return -1;
    const next = word & 0xffff;
    if (next >= Atomics.load(control, CTRL.chunks)) return -1;
    if (Atomics.compareExchange(control, CTRL.claim, word, word + 1) === word) return next;
  }
}

/** The current job's views of `data` (valid while a chunk of it is held). */
export function jobViews(control: Int32Array, data: Float32Array): Float32Array[] {
  const views: Float32Array[] = [];
  for (let i = 0; i < Atomics.load(control, CTRL.views); i++) {
    const at = Atomics.load(control, CTRL.viewAt + 2 * i);
    views.push(data.subarray(at, at + Atomics.load(control, CTRL.viewAt + 2 * i + 1)));
  }
  return views;
}

/**
 * Claims and computes chunks of job `gen` until none is left; each finished chunk counts in
 * DONE (and wakes a waiter). Returns how many this thread computed. Both sides run it.
 */
export function workOnJob(control: Int32Array, data: Float32Array, gen: number): number {
  let chunk = claimChunk(control, gen);
  if (chunk < 0) return 0;
  const ints = control.slice(CTRL.ints, CTRL.ints + MAX_INTS);
  const run = bindChunks(
    Atomics.load(control, CTRL.kind),
    jobViews(control, data),
    ints,
    floatArgs(control).slice(),
  );
  const units = Atomics.load(control, CTRL.units);
  const size = Atomics.load(control, CTRL.chunkUnits);
  let computed = 0;
  for (; chunk >= 0; chunk = claimChunk(control, gen)) {
    const from = chunk * size;
    run(from, Math.min(from + size, units));
    computed++;
    Atomics.add(control, CTRL.done, 1);
    Atomics.notify(control, CTRL.done);
  }
  return computed;
}
