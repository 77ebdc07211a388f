import { BPE_BASE_TOKENS, MAX_BPE_VOCAB, MIN_BPE_VOCAB } from '../../../src/shared/bpe-settings';
import { BpeVocabSizeError, BpeVocabTooLargeError } from '../../../src/shared/errors';
import { BpeModel } from './bpe-model';
import { ByteSpanTable, hashBytes } from './byte-span-table';
import { PairHeap } from './pair-heap';
import type { WordCounts } from './word-counts';

/** A pair is merged only if it occurs at least this often (once saves nothing worth an id). */
export const MIN_PAIR_COUNT = 2;
/** Pair keys: left × STRIDE + right, so keys order pairs by left id, then right id. */
const STRIDE = MAX_BPE_VOCAB;

export function checkVocabSize(vocabSize: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_BPE_VOCAB || vocabSize > MAX_BPE_VOCAB) {
    throw new BpeVocabSizeError(vocabSize);
  }
}

/**
 * Learns merges from word counts until the vocabulary is full. Each merge is the pair of
 * adjacent tokens that occurs most often over all words (a word's pairs × its count), ties to
 * the smaller left id, then the smaller right id; a pair whose bytes are already a token is
 * passed over. Counts are kept up to date incrementally: a merge visits only the words that
 * hold its pair (an index from pair to words), recounts their pairs, and queues the new pairs
 * (a lazy max-heap: a popped entry whose count has fallen goes back with its true count).
 *
 * `step(limit)` does at most `limit` merges, so a worker can yield between calls (progress,
 * cancel); python/tabtrainer/bpe_train.py does the same merges in the same order.
 */
export class BpeTrainer {
  private readonly symbols: Uint16Array;
  private readonly wordStart: Int32Array;
  private readonly wordLength: Int32Array;
  private readonly wordCount: Float64Array;
  private readonly visited: Int32Array;
  private visit = 0;
  private readonly pairCounts = new Map<number, number>();
  private readonly where = new Map<number, number[]>();
  private readonly heap = new PairHeap();
  /** Each token's bytes; entry number = id. */
  private readonly tokens = new ByteSpanTable(MAX_BPE_VOCAB);
  private readonly merges: number[] = [];
  private exhausted = false;

  constructor(
    private readonly counts: WordCounts,
    readonly vocabSize: number,
  ) {
    checkVocabSize(vocabSize);
    const byte = new Uint8Array(1);
    for (let b = 0; b < BPE_BASE_TOKENS; b++) {
      byte[0] = b;
      this.tokens.intern(byte, 0, 1, hashBytes(byte, 0, 1));
    }
    const words = counts.words.size;
    this.symbols = new Uint16Array(counts.words.heldBytes);
    this.wordStart = new Int32Array(words);
    this.wordLength = new Int32Array(words);
    this.wordCount = new Float64Array(words);
    this.visited = new Int32Array(words);
    let at = 0;
    for (let w = 0; w < words; w++) {
      const key = counts.words.key(w);
      this.symbols.set(key, at);
      this.wordStart[w] = at;
      this.wordLength[w] = key.length;
      this.wordCount[w] = counts.count(w);
      at += key.length;
      for (let k = 0; k + 1 < key.length; k++) {
        const pair = key[k]! * STRIDE + key[k + 1]!;
        this.addCount(pair, this.wordCount[w]!);
        this.addWhere(pair, w);
      }
    }
    for (const [pair, count] of this.pairCounts) {
      if (count >= MIN_PAIR_COUNT) this.heap.push(count, pair);
    }
  }

  get mergeCount(): number {
    return this.merges.length / 2;
  }

  /** The merges so far as [left0, right0, left1, right1, …] (progress, tests). */
  get mergesSoFar(): readonly number[] {
    return this.merges;
  }

  /** Whether more merges can come: the vocabulary is not full and pairs are left. */
  get running(): boolean {
    return !this.exhausted && BPE_BASE_TOKENS + this.mergeCount < this.vocabSize;
  }

  /** At most `limit` more merges; returns whether more can come. */
  step(limit = Infinity): boolean {
    for (let made = 0; made < limit && this.running; made++) {
      const pair = this.nextPair();
      if (pair < 0) this.exhausted = true;
      else this.merge(pair);
    }
    return this.running;
  }

  /** The learned model; refused if the text ran out of pairs before the vocabulary was full. */
  model(): BpeModel {
    if (this.running) throw new Error('BpeTrainer.model() before training ended');
    if (this.exhausted) {
      throw new BpeVocabTooLargeError({
        vocabSize: this.vocabSize,
        mergesFound: this.mergeCount,
        reachable: BPE_BASE_TOKENS + this.mergeCount,
        trainedBytes: this.counts.bytes,
      });
    }
    return BpeModel.fromMerges(this.merges);
  }

  /** The best pair to merge next, or -1 when none occurs MIN_PAIR_COUNT times. */
  private nextPair(): number {
    while (this.heap.size > 0) {
      const count = this.heap.topCount();
      const pair = this.heap.topKey();
      this.heap.pop();
      const actual = this.pairCounts.get(pair) ?? 0;
      if (actual < MIN_PAIR_COUNT) continue;
      if (actual !== count) {
        this.heap.push(actual, pair);
        continue;
      }
      const joined = this.joined(pair);
      if (this.tokens.find(joined, 0, joined.length, hashBytes(joined, 0, joined.length)) < 0) {
        return pair;
      }
    }
    return -1;
  }

  private joined(pair: number): Uint8Array {
    const left = this.tokens.key(Math.floor(pair / STRIDE));
    const right = this.tokens.key(pair % STRIDE);
    const joined = new Uint8Array(left.length + right.length);
    joined.set(left);
    joined.set(right, left.length);
    return joined;
  }

  private merge(pair: number): void {
    const joined = this.joined(pair);
    const made = this.tokens.intern(joined, 0, joined.length, hashBytes(joined, 0, joined.length));
    const left = Math.floor(pair / STRIDE);
    const right = pair % STRIDE;
    this.merges.push(left, right);
    const touched = new Set<number>();
    this.visit += 1;
    for (const w of this.where.get(pair) ?? []) {
      if (this.visited[w] === this.visit) continue;
      this.visited[w] = this.visit;
      this.mergeInWord(w, left, right, made, touched);
    }
    this.where.delete(pair);
    this.pairCounts.delete(pair);
    for (const key of touched) {
      const count = this.pairCounts.get(key)!;
      if (count >= MIN_PAIR_COUNT) this.heap.push(count, key);
    }
  }

  /** Merges every (left, right) of word w, left to right, and recounts its pairs. */
  private mergeInWord(w: number, left: number, right: number, made: number, touched: Set<number>) {
    const sym = this.symbols;
    const start = this.wordStart[w]!;
    const n = this.wordLength[w]!;
    const count = this.wordCount[w]!;
    let holds = false;
    for (let k = start; k + 1 < start + n && !holds; k++) {
      holds = sym[k] === left && sym[k + 1] === right;
    }
    if (!holds) return; // an index entry from before an earlier merge changed the word
    for (let k = start; k + 1 < start + n; k++)
      this.addCount(sym[k]! * STRIDE + sym[k + 1]!, -count);
    let j = start;
    for (let k = start; k < start + n;) {
      if (k + 1 < start + n && sym[k] === left && sym[k + 1] === right) {
        sym[j++] = made;
        k += 2;
      } else {
        sym[j++] = sym[k++]!;
      }
    }
    this.wordLength[w] = j - start;
    for (let k = start; k + 1 < j; k++) {
      const pair = sym[k]! * STRIDE + sym[k + 1]!;
      this.addCount(pair, count);
      if (sym[k] === made || sym[k + 1] === made) {
        touched.add(pair);
        this.addWhere(pair, w);
      }
    }
  }

  private addCount(pair: number, delta: number): void {
    this.pairCounts.set(pair, (this.pairCounts.get(pair) ?? 0) + delta);
  }

  private addWhere(pair: number, w: number): void {
    const words = this.where.get(pair);
    if (words === undefined) this.where.set(pair, [w]);
    else if (words[words.length - 1] !== w) words.push(w);
  }
}

/** Trains to `vocabSize` at once (a worker that must stay responsive calls `step` itself). */
export function trainBpe(counts: WordCounts, vocabSize: number): BpeModel {
  const trainer = new BpeTrainer(counts, vocabSize);
  trainer.step();
  return trainer.model();
}
