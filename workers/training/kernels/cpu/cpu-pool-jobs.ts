import {
  attentionBackwardPairs,
  attentionForwardPairs,
  type AttentionDims,
} from './cpu-attention-rows';
import { GELU_PASS, geluBackwardRange, geluForwardRange } from './cpu-gelu-rows';
import { crossEntropyGradRows, layerNormRows } from './cpu-loss-rows';
import { packColumns, productRows, type ProductShape } from './cpu-product-rows';

// The kinds of job the CPU pool runs (cpu-pool.ts), each a pure function over a
// range of units (a product's output rows, attention's (batch, head) pairs, GELU's elements):
// the training worker and every helper call the same function on the same arrays, and a unit's
// outputs depend on nothing but the unit, so any split gives the one-thread bits. A job is
// written once here, how it is encoded (views, ints, floats) beside how it is decoded.

/** The job kind word of the pool's control block. */
export const JOB = {
  product: 1,
  attentionForward: 2,
  attentionBackward: 3,
  geluForward: 4,
  geluBackward: 5,
  layerNorm: 6,
  crossEntropyGrad: 7,
} as const;
export type JobKind = (typeof JOB)[keyof typeof JOB];

/** A job's limits, which the control block is sized by (cpu-pool-protocol.ts). */
export const MAX_VIEWS = 6;
export const MAX_INTS = 8;
export const MAX_FLOATS = 2;

export interface PoolJob {
  readonly kind: JobKind;
  /** Read only: copied into shared memory by the pool. */
  readonly inputs: readonly Float32Array[];
  /** The outputs' lengths; outputs start zeroed, as a new Float32Array. */
  readonly outputs: readonly number[];
  readonly ints: readonly number[];
  readonly floats: readonly number[];
  /** Units the job splits into; a chunk is a run of them. */
  readonly units: number;
  /** Chunks start at multiples of this many units (a product's 4-row tiles). */
  readonly grain: number;
  /** About how many multiply-adds the job is: small jobs stay on one thread. */
  readonly work: number;
}

/** Computes units [from, to) of a job bound to its arrays (one thread's work on a chunk). */
export type ChunkRunner = (from: number, to: number) => void;

/**
 * The job's function over its views (inputs then outputs), ready for chunks. Per job and thread:
 * a product packs B's columns here once, for all the chunks the thread takes.
 */
export function bindChunks(
  kind: number,
  views: readonly Float32Array[],
  ints: ArrayLike<number>,
  floats: ArrayLike<number>,
): ChunkRunner {
  const v = (i: number) => views[i]!;
  switch (kind) {
    case JOB.product: {
      const s = shapeOf(ints);
      const pb = packColumns(v(1), s);
      return (from, to) => productRows(v(0), v(1), pb, s, v(2), from, to);
    }
    case JOB.attentionForward: {
      const dims = dimsOf(ints, floats);
      return (from, to) => attentionForwardPairs(v(0), v(1), v(2), dims, from, to);
    }
    case JOB.attentionBackward: {
      const dims = dimsOf(ints, floats);
      return (from, to) => attentionBackwardPairs(v(0), v(1), v(2), v(3), dims, from, to);
    }
    case JOB.geluForward:
      return (from, to) => geluForwardRange(v(0), v(1), from, to);
    case JOB.geluBackward:
      return (from, to) => geluBackwardRange(v(0), v(1), v(2), from, to);
    case JOB.layerNorm: {
      const views = { xs: v(0), gs: v(1), bs: v(2), y: v(3), means: v(4), rstds: v(5) };
      return (from, to) => layerNormRows(views, ints[0]!, floats[0]!, from, to);
    }
    case JOB.crossEntropyGrad: {
      const views = { x: v(0), targets: v(1), weights: v(2), lse: v(3), dx: v(4) };
      return (from, to) => crossEntropyGradRows(views, ints[0]!, floats[0]!, from, to);
    }
    default:
      throw new Error(`the CPU pool has no job of kind ${kind}`);
  }
}

/** The one-thread job: the reference every pooled job equals bit for bit. */
export function runAlone(job: PoolJob): Float32Array[] {
  const outputs = job.outputs.map((length) => new Float32Array(length));
  bindChunks(job.kind, [...job.inputs, ...outputs], job.ints, job.floats)(0, job.units);
  return outputs;
}

/** c = A · B: output rows, 4 to a tile. */
export function productJob(a: Float32Array, b: Float32Array, s: ProductShape): PoolJob {
  return {
    kind: JOB.product,
    inputs: [a, b],
    outputs: [s.m * s.n],
    ints: [s.m, s.k, s.n, s.ai, s.ak, s.bk, s.bj],
    floats: [],
    ...{ units: s.m, grain: 4, work: s.m * s.k * s.n },
  };
}

function shapeOf(ints: ArrayLike<number>): ProductShape {
  const [m, k, n, ai, ak, bk, bj] = Array.from(ints);
  return { m: m!, k: k!, n: n!, ai: ai!, ak: ak!, bk: bk!, bj: bj! };
}

/** Causal attention's forward: outputs y [batch, t, d] and probs [batch, heads, t, t]. */
export function attentionForwardJob(qkv: Float32Array, dims: AttentionDims): PoolJob {
  const { batch, t, heads, hd } = dims;
  return {
    kind: JOB.attentionForward,
    inputs: [qkv],
    outputs: [batch * t * heads * hd, batch * heads * t * t],
    ...attentionWords(dims),
  };
}

/** Causal attention's gradient: output dqkv (qkv's length). */
export function attentionBackwardJob(
  dy: Float32Array,
  qkv: Float32Array,
  probs: Float32Array,
  dims: AttentionDims,
): PoolJob {
  return {
    kind: JOB.attentionBackward,
    inputs: [dy, qkv, probs],
    outputs: [qkv.length],
    ...attentionWords(dims),
  };
}

function attentionWords({ batch, t, heads, hd, scale }: AttentionDims) {
  // Half of the t² positions (causal), each a dot of hd, and a weighted sum of hd: ~t²·hd.
  const work = batch * heads * t * t * hd;
  return { ints: [batch, t, heads, hd], floats: [scale], units: batch * heads, grain: 1, work };
}

function dimsOf(ints: ArrayLike<number>, floats: ArrayLike<number>): AttentionDims {
  const [batch, t, heads, hd] = Array.from(ints);
  return { batch: batch!, t: t!, heads: heads!, hd: hd!, scale: floats[0]! };
}

/** About this many multiply-adds an element of GELU costs (its exponential's polynomial). */
const GELU_WORK = 32;

export function geluForwardJob(x: Float32Array): PoolJob {
  return geluJob(JOB.geluForward, [x], x.length);
}

export function geluBackwardJob(dy: Float32Array, x: Float32Array): PoolJob {
  return geluJob(JOB.geluBackward, [dy, x], x.length);
}

function geluJob(kind: JobKind, inputs: Float32Array[], length: number): PoolJob {
  // Chunks of whole passes, as the one thread makes them (no bit depends on it: each element
  // is its own).
  const [units, grain, work] = [length, GELU_PASS, length * GELU_WORK];
  return { kind, inputs, outputs: [length], ints: [], floats: [], units, grain, work };
}

/** Layer norm's forward over rows of x [rows, d]: outputs y, each row's mean and rstd. */
export function layerNormJob(
  [xs, gs, bs]: readonly [Float32Array, Float32Array, Float32Array],
  [rows, d]: readonly [number, number],
  epsilon: number,
): PoolJob {
  return {
    kind: JOB.layerNorm,
    inputs: [xs, gs, bs],
    outputs: [rows * d, rows, rows],
    ints: [d],
    floats: [epsilon],
    ...{ units: rows, grain: 1, work: rows * d * 4 },
  };
}

/**
 * Cross-entropy's gradient over rows of the logits [rows, vocab]; `factor` is dloss over the
 * weights' sum. Targets go as floats (the shared operands are float32): exact below 2^24.
 */
export function crossEntropyGradJob(
  [x, targets, weights, lse]: readonly [Float32Array, Int32Array, Float32Array, Float32Array],
  vocab: number,
  factor: number,
): PoolJob {
  const rows = lse.length;
  return {
    kind: JOB.crossEntropyGrad,
    inputs: [x, Float32Array.from(targets), weights, lse],
    outputs: [rows * vocab],
    ints: [vocab],
    floats: [factor],
    ...{ units: rows, grain: 1, work: rows * vocab * 16 },
  };
}
