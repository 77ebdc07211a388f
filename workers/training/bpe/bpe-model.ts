import { BPE_BASE_TOKENS, MAX_BPE_VOCAB } from '../../../src/shared/bpe-settings';
import { BpeVocabSizeError, TokenizerJsonMalformedError } from '../../../src/shared/errors';
import { ByteSpanTable, hashBytes } from './byte-span-table';

/**
 * A learned byte-level BPE: ids 0–255 are the bytes, and merge i (a pair of earlier ids) makes
 * id 256 + i, whose bytes are its parts' bytes joined. Every merge makes a token that did not
 * exist (the trainer passes over a pair whose bytes are already a token), so the vocabulary is
 * 256 + merges, no two ids share bytes, and merge i's rank is i: the lower, the earlier it
 * applies when encoding (as Hugging Face's BPE ranks its merges list).
 */
export class BpeModel {
  private constructor(
    /** The merges in rank order: [left0, right0, left1, right1, …]. */
    readonly merges: Uint16Array,
    /** Each token's bytes; entry number = token id. */
    private readonly tokens: ByteSpanTable,
    private readonly ranks: PairRanks,
  ) {}

  /**
   * A model from its merges, checked: each part an earlier id, each merge a new token. A
   * tokenizer.json is the only source that can break these, hence its named error.
   */
  static fromMerges(pairs: ArrayLike<number>): BpeModel {
    const count = pairs.length / 2;
    if (!Number.isInteger(count))
      throw new TokenizerJsonMalformedError('a merge lacks its right part');
    if (BPE_BASE_TOKENS + count > MAX_BPE_VOCAB)
      throw new BpeVocabSizeError(BPE_BASE_TOKENS + count);
    const tokens = new ByteSpanTable(BPE_BASE_TOKENS + count);
    const byte = new Uint8Array(1);
    for (let b = 0; b < BPE_BASE_TOKENS; b++) {
      byte[0] = b;
      tokens.intern(byte, 0, 1, hashBytes(byte, 0, 1));
    }
    const ranks = new PairRanks(count);
    const merges = new Uint16Array(2 * count);
    for (let i = 0; i < count; i++) {
      const [left, right] = [pairs[2 * i]!, pairs[2 * i + 1]!];
      const known = BPE_BASE_TOKENS + i;
      for (const part of [left, right]) {
        if (!Number.isInteger(part) || part < 0 || part >= known) {
          throw new TokenizerJsonMalformedError(
            `merge ${i} uses token ${part}, which no earlier merge or byte made`,
          );
        }
      }
      const joined = joinBytes(tokens.key(left), tokens.key(right));
      if (tokens.intern(joined, 0, joined.length, hashBytes(joined, 0, joined.length)) !== known) {
        throw new TokenizerJsonMalformedError(`merge ${i} makes a token an earlier one already is`);
      }
      ranks.set(left, right, i);
      merges[2 * i] = left;
      merges[2 * i + 1] = right;
    }
    return new BpeModel(merges, tokens, ranks);
  }

  get vocabSize(): number {
    return BPE_BASE_TOKENS + this.merges.length / 2;
  }

  /** The rank of the merge of (left, right), or -1: its token is BPE_BASE_TOKENS + rank. */
  rank(left: number, right: number): number {
    return this.ranks.get(left, right);
  }

  /** The bytes token `id` stands for (a view: do not write to it). */
  tokenBytes(id: number): Uint8Array {
    return this.tokens.key(id);
  }

  byteLength(id: number): number {
    return id >= 0 && id < this.vocabSize ? this.tokens.key(id).length : 0;
  }
}

function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** (left, right) → rank, open addressing over int keys: the encoder's inner lookup. */
class PairRanks {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(count: number) {
    let size = 16;
    while (size < 4 * count) size *= 2;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  set(left: number, right: number, rank: number): void {
    const key = left * MAX_BPE_VOCAB + right;
    let s = mix(key) & this.mask;
    while (this.keys[s] !== -1) s = (s + 1) & this.mask;
    this.keys[s] = key;
    this.values[s] = rank;
  }

  get(left: number, right: number): number {
    const key = left * MAX_BPE_VOCAB + right;
    for (let s = mix(key) & this.mask; ; s = (s + 1) & this.mask) {
      const found = this.keys[s]!;
      if (found === key) return this.values[s]!;
      if (found === -1) return -1;
    }
  }
}

function mix(key: number): number {
  return Math.imul(key, 0x9e3779b1) >>> 15;
}
