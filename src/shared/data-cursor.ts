import { Prng, deriveSeed } from './prng';

/** Where the run is in its data: the epoch and the index into that epoch's permutation. */
export interface DataCursor {
  readonly epoch: number;
  readonly index: number;
}

const EPOCH_STREAM = 0xe90c;

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
 * two epochs: the epoch's tail that does not fill a batch is skipped, as drop_last does.
 */
export class BatchSampler {
  private perm: Uint32Array;
  private cursor: DataCursor;

  constructor(
    private readonly seed: number,
    private readonly size: number,
    private readonly batch: number,
    cursor: DataCursor = { epoch: 0, index: 0 },
  ) {
    if (batch > size) throw new RangeError(`batch ${batch} exceeds the ${size} training examples`);
    this.cursor = cursor;
    this.perm = epochPermutation(seed, cursor.epoch, size);
  }

  position(): DataCursor {
    return this.cursor;
  }

  next(): Uint32Array {
    let { epoch, index } = this.cursor;
    if (index + this.batch > this.size) {
      epoch += 1;
      index = 0;
      this.perm = epochPermutation(this.seed, epoch, this.size);
    }
    const out = this.perm.slice(index, index + this.batch);
    this.cursor = { epoch, index: index + this.batch };
    return out;
  }
}
