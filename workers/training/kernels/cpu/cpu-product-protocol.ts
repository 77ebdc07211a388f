import { packColumns, productRows, type ProductShape } from './cpu-product-rows';

// What the training worker and its product helpers share: one Int32Array of control words and
// one Float32Array of operands (A, then B, then C), both over SharedArrayBuffers. A product is a
// job of row chunks; a thread owns a chunk by one compare-and-swap on CLAIM, which holds the
// job's generation beside the next free chunk, so a helper that reads a job late (its message
// arrived after the job was over) claims nothing from the next one.

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
  m: 4,
  k: 5,
  n: 6,
  ai: 7,
  ak: 8,
  bk: 9,
  bj: 10,
  aAt: 11,
  bAt: 12,
  cAt: 13,
  chunkRows: 14,
  chunks: 15,
  /** Helpers that hold the shared arrays and serve jobs (the bench and the profile read it). */
  serving: 16,
  /** Times a helper woke to a new job (the bench and the profile read it). */
  wakes: 17,
} as const;
export const CTRL_WORDS = 18;

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

/** The current job's shape, read from the control words (valid while a chunk of it is held). */
export function jobShape(control: Int32Array): ProductShape {
  const at = (i: number) => Atomics.load(control, i);
  return {
    ...{ m: at(CTRL.m), k: at(CTRL.k), n: at(CTRL.n) },
    ...{ ai: at(CTRL.ai), ak: at(CTRL.ak), bk: at(CTRL.bk), bj: at(CTRL.bj) },
  };
}

/**
 * Claims and computes chunks of job `gen` until none is left; each finished chunk counts in
 * DONE (and wakes a waiter). Returns how many this thread computed. Both sides run it.
 */
export function workOnJob(control: Int32Array, data: Float32Array, gen: number): number {
  let chunk = claimChunk(control, gen);
  if (chunk < 0) return 0;
  const s = jobShape(control);
  const aAt = Atomics.load(control, CTRL.aAt);
  const bAt = Atomics.load(control, CTRL.bAt);
  const cAt = Atomics.load(control, CTRL.cAt);
  const rows = Atomics.load(control, CTRL.chunkRows);
  const a = data.subarray(aAt, bAt);
  const b = data.subarray(bAt, cAt);
  const c = data.subarray(cAt, cAt + s.m * s.n);
  const pb = packColumns(b, s);
  let computed = 0;
  for (; chunk >= 0; chunk = claimChunk(control, gen)) {
    const r0 = chunk * rows;
    productRows(a, b, pb, s, c, r0, Math.min(r0 + rows, s.m));
    computed++;
    Atomics.add(control, CTRL.done, 1);
    Atomics.notify(control, CTRL.done);
  }
  return computed;
}
