import { Prng } from '../../../src/shared/prng';

/** A BPE is trained on whole chunks of this size, each read as a text of its own. */
export const SAMPLE_CHUNK_BYTES = 1 << 20;
/** At most this much of a corpus is trained on (about 100 MB: the training target). */
export const MAX_SAMPLE_BYTES = 96 * SAMPLE_CHUNK_BYTES;
/**
 * The sample's seed: a constant, not the run's, so a tokenizer is a function of the text and
 * the vocabulary size alone and two runs on one file share it (and its tokenized corpus).
 */
export const SAMPLE_SEED = 0xb9e5eed;

/** Bytes [start, end) of the corpus. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The chunks of a corpus of `totalBytes` that a BPE is trained on, in file order: every chunk
 * if they fit in `maxBytes`, else ⌊maxBytes / chunk⌋ of them chosen without repeats by a
 * partial Fisher–Yates shuffle drawn from xoshiro128**(seed) (src/shared/prng.ts), then sorted.
 */
export function sampleRanges(
  totalBytes: number,
  maxBytes = MAX_SAMPLE_BYTES,
  seed = SAMPLE_SEED,
  chunkBytes = SAMPLE_CHUNK_BYTES,
): ByteRange[] {
  const chunks = Math.ceil(totalBytes / chunkBytes);
  const wanted = Math.floor(maxBytes / chunkBytes);
  let chosen = Array.from({ length: chunks }, (_, i) => i);
  if (chunks > wanted) {
    const prng = Prng.fromSeed(seed);
    for (let t = 0; t < wanted; t++) {
      const j = t + prng.nextInt(chunks - t);
      [chosen[t], chosen[j]] = [chosen[j]!, chosen[t]!];
    }
    chosen = chosen.slice(0, wanted).sort((a, b) => a - b);
  }
  return chosen.map((c) => ({
    start: c * chunkBytes,
    end: Math.min(totalBytes, (c + 1) * chunkBytes),
  }));
}
