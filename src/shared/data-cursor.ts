import { Prng, deriveSeed } from './prng';

/** Where the run is in its data: the epoch and the index into that epoch's permutation. */
export interface DataCursor {
  readonly epoch: number;
  readonly index: number;
}

/**
 * Batches the data order passes over, [fromBatch, toBatch) in batch numbers: batch b is the
 * (b mod perEpoch)-th batch of epoch ⌊b / perEpoch⌋, with perEpoch = ⌊examples / batch⌋. The
 * divergence guard adds one per rewind.
 */
export interface SkipWindow {
  readonly fromBatch: number;
  readonly toBatch: number;
}

/** The number of the batch a sampler at `cursor` draws next, before any skip window. */
export function batchNumber(cursor: DataCursor, size: number, batch: number): number {
  const perEpoch = Math.floor(size / batch);
  const rolled = cursor.index + batch > size;
  return rolled
    ? (cursor.epoch + 1) * perEpoch
    : cursor.epoch * perEpoch + Math.floor(cursor.index / batch);
}

export const EPOCH_STREAM = 0xe90c;
export const WINDOW_STREAM = 0x3d0f;

/**
 * How a batch's examples are chosen. `shuffle` (lines): each epoch is a permutation of the
 * examples, cut into batches, the tail that does not fill one skipped. `windows` (prose): batch
 * b draws its `batch` window starts uniformly from [0, size), with replacement, from its own
 * stream xoshiro128**(deriveSeed(seed, 0x3d0f, b)): `nextInt(size)` once per row, in row order.
 * Either way a batch is a pure function of (seed, batch number), so the cursor is all a resume
 * needs, and a 256 MB text needs no permutation of its 256 million starts.
 */
export type ExampleOrder = 'shuffle' | 'windows';

/** Batch `number`'s window starts in the `windows` order. */
export function windowOffsets(
  seed: number,
  number: number,
  batch: number,
  size: number,
): Uint32Array {
  const prng = Prng.fromSeed(deriveSeed(seed, WINDOW_STREAM, number));
  const out = new Uint32Array(batch);
  for (let i = 0; i < batch; i++) out[i] = prng.nextInt(size);
  return out;
}

/**
 * The order of an epoch's examples: a pure function of (seed, epoch, size), so a resumed run
 * needs only the cursor to continue the same order.
 */
export function epochPermutation(seed: number, epoch: number, size: number): Uint32Array {
  const prng = Prng.fromSeed(deriveSeed(seed, EPOCH_STREAM, epoch));
  const perm = new Uint32Array(size);
  for (let i = 0; i < size; i++) perm[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  return perm;
}

/**
 * Hands out batches of example indices in the order the cursor dictates. A batch never spans
 * two epochs: the epoch's tail that does not fill a batch is skipped, as drop_last does. A batch
 * inside a skip window is passed over, so the order is a pure function of (seed, epoch, skip
 * list) and the cursor; with no windows it is exactly the order of a run without a guard.
 */
export class BatchSampler {
  private perm: Uint32Array | null = null;
  private permEpoch = -1;
  private cursor: DataCursor;
  private readonly perEpoch: number;
  /** The number of the batch drawn last, or null before the first draw. */
  lastBatch: number | null = null;

  constructor(
    private readonly seed: number,
    private readonly size: number,
    private readonly batch: number,
    cursor: DataCursor = { epoch: 0, index: 0 },
    private readonly skips: readonly SkipWindow[] = [],
    private readonly order: ExampleOrder = 'shuffle',
  ) {
    if (batch > size) throw new RangeError(`batch ${batch} exceeds the ${size} training examples`);
    this.cursor = cursor;
    this.perEpoch = Math.floor(size / batch);
  }

  position(): DataCursor {
    return this.cursor;
  }

  next(): Uint32Array {
    let { epoch, index } = this.cursor;
    if (index + this.batch > this.size) {
      epoch += 1;
      index = 0;
    }
    let number = epoch * this.perEpoch + Math.floor(index / this.batch);
    for (let window = this.windowAt(number); window !== null; window = this.windowAt(number)) {
      number = window.toBatch;
      epoch = Math.floor(number / this.perEpoch);
      index = (number % this.perEpoch) * this.batch;
    }
    this.cursor = { epoch, index: index + this.batch };
    this.lastBatch = number;
    if (this.order === 'windows') return windowOffsets(this.seed, number, this.batch, this.size);
    if (this.perm === null || epoch !== this.permEpoch) {
      this.perm = epochPermutation(this.seed, epoch, this.size);
      this.permEpoch = epoch;
    }
    return this.perm.slice(index, index + this.batch);
  }

  private windowAt(number: number): SkipWindow | null {
    return this.skips.find((w) => number >= w.fromBatch && number < w.toBatch) ?? null;
  }
}
