import { ByteSpanTable, hashBytes } from './byte-span-table';
import { preTokenEnd } from './pre-tokenizer';

/**
 * The words a trainer learns from: each distinct pre-token of two bytes or more, with how often
 * it occurs (a one-byte word holds no pair). Each chunk added is read as a text of its own, so a
 * word cut by a chunk's edge counts as two: the same rule for a sample and for a whole corpus
 * read in chunks, and the same in python/tabtrainer.
 */
export class WordCounts {
  readonly words = new ByteSpanTable(1 << 16);
  private counts = new Float64Array(1 << 16);
  /** Bytes of text counted. */
  bytes = 0;

  add(chunk: Uint8Array): void {
    const { words } = this;
    for (let i = 0; i < chunk.length;) {
      const end = preTokenEnd(chunk, i, chunk.length, true);
      if (end - i > 1) {
        const entry = words.intern(chunk, i, end, hashBytes(chunk, i, end));
        if (entry === this.counts.length) {
          const counts = new Float64Array(entry * 2);
          counts.set(this.counts);
          this.counts = counts;
        }
        this.counts[entry] = this.counts[entry]! + 1;
      }
      i = end;
    }
    this.bytes += chunk.length;
  }

  /** How often word `entry` occurs. */
  count(entry: number): number {
    return this.counts[entry]!;
  }
}
