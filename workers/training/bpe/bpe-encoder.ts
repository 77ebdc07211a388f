import type { BpeModel } from './bpe-model';
import { ByteSpanTable, hashBytes } from './byte-span-table';
import { MAX_PRETOKEN_CHARS, UNDECIDED, preTokenEnd } from './pre-tokenizer';
import { mergeWord } from './word-merger';

/** Words the cache holds before it starts again (about 20 MB at most, ids and keys together). */
export const ENCODER_CACHE_WORDS = 1 << 18;
/** The longest pre-token in bytes: a space and N characters of at most 4 bytes each. */
const MAX_PRETOKEN_BYTES = 1 + 4 * MAX_PRETOKEN_CHARS;

/**
 * Encodes a byte stream that arrives in chunks: each `push` returns the ids of the pre-tokens
 * its bytes complete and carries the last one (at most MAX_PRETOKEN_BYTES, whose end the next
 * bytes decide) to the next push; `end` encodes what is carried. The ids equal the whole text
 * encoded at once, wherever the chunks are cut.
 *
 * Resuming a stream needs no saved state: the carried bytes start at a pre-token boundary and
 * the pattern never looks back, so a fresh encoder given the stream from byte
 * `consumed - carried` on continues exactly (`consumed`: bytes pushed so far).
 *
 * Words already seen come from a cache keyed by their bytes (most words of a text repeat); it
 * is emptied when full, which changes no id, only the time.
 */
export class BpeEncoder {
  private carry = new Uint8Array(0);
  private readonly cache: ByteSpanTable;
  private cacheIds = new Uint16Array(1 << 20);
  private cacheIdsUsed = 0;
  private readonly cacheStart: Int32Array;
  private readonly cacheLength: Uint16Array;
  private readonly ids = new Int32Array(MAX_PRETOKEN_BYTES);
  private readonly ranks = new Int32Array(MAX_PRETOKEN_BYTES);
  private out = new Uint16Array(0);
  private outLength = 0;

  constructor(
    readonly model: BpeModel,
    /** Words the cache holds before it starts again (tests make it small). */
    private readonly cacheWords = ENCODER_CACHE_WORDS,
  ) {
    this.cache = new ByteSpanTable(cacheWords);
    this.cacheStart = new Int32Array(cacheWords);
    this.cacheLength = new Uint16Array(cacheWords);
  }

  /** Bytes carried to the next push (the start of a pre-token not yet decided). */
  get carried(): number {
    return this.carry.length;
  }

  push(chunk: Uint8Array): Uint16Array {
    return this.run(chunk, false);
  }

  end(): Uint16Array {
    return this.run(new Uint8Array(0), true);
  }

  /** A whole text at once (this encoder must carry nothing). */
  encode(bytes: Uint8Array): Uint16Array {
    if (this.carry.length > 0) throw new Error('encode() on an encoder that carries bytes');
    return this.run(bytes, true);
  }

  private run(chunk: Uint8Array, final: boolean): Uint16Array {
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
    }
    // A token stands for at least one byte.
    this.out = new Uint16Array(b.length);
    this.outLength = 0;
    let i = 0;
    while (i < b.length) {
      const end = preTokenEnd(b, i, b.length, final);
      if (end === UNDECIDED) break;
      this.word(b, i, end);
      i = end;
    }
    this.carry = b.slice(i);
    return this.out.subarray(0, this.outLength);
  }

  private word(b: Uint8Array, from: number, to: number): void {
    if (to - from === 1) {
      this.out[this.outLength++] = b[from]!;
      return;
    }
    const hash = hashBytes(b, from, to);
    let entry = this.cache.find(b, from, to, hash);
    if (entry < 0) entry = this.remember(b, from, to, hash);
    const start = this.cacheStart[entry]!;
    const end = start + this.cacheLength[entry]!;
    // A loop, not set(subarray()): most words are a token or two, and a view costs more.
    for (let k = start; k < end; k++) this.out[this.outLength++] = this.cacheIds[k]!;
  }

  private remember(b: Uint8Array, from: number, to: number, hash: number): number {
    const n = mergeWord(this.model, b, from, to, this.ids, this.ranks);
    if (this.cache.size === this.cacheWords) {
      this.cache.clear();
      this.cacheIdsUsed = 0;
    }
    if (this.cacheIdsUsed + n > this.cacheIds.length) {
      const grown = new Uint16Array(this.cacheIds.length * 2);
      grown.set(this.cacheIds.subarray(0, this.cacheIdsUsed));
      this.cacheIds = grown;
    }
    const entry = this.cache.intern(b, from, to, hash);
    this.cacheStart[entry] = this.cacheIdsUsed;
    this.cacheLength[entry] = n;
    for (let k = 0; k < n; k++) this.cacheIds[this.cacheIdsUsed++] = this.ids[k]!;
    return entry;
  }
}

/** A whole text's ids. */
export function encodeBpe(model: BpeModel, bytes: Uint8Array): Uint16Array {
  return new BpeEncoder(model).encode(bytes);
}
