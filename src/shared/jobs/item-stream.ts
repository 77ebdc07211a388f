import { deriveSeed, Prng } from '../prng';

/** Tags a job item's stream apart from the run's other derived streams (epochs, samples). */
const JOB_ITEM_STREAM = 0x10b5;

/**
 * The random stream of one item: a pure function of (job seed, item index), so an item's
 * output never depends on batching, on interruptions or on which items ran before it.
 */
export function itemPrng(seed: number, index: number): Prng {
  return Prng.fromSeed(deriveSeed(seed, JOB_ITEM_STREAM, index));
}
