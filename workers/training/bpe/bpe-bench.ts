import { parseSeparator } from '../../../src/shared/text-mode';
import { buildProse } from '../prose-data';
import { BpeEncoder } from './bpe-encoder';
import type { BpeModel } from './bpe-model';
import { BpeTrainer } from './bpe-trainer';
import { SAMPLE_CHUNK_BYTES, sampleRanges } from './corpus-sample';
import { WordCounts } from './word-counts';

/** Milliseconds from some origin: wall time, or the process's CPU time in Node's bench. */
export type BenchClock = () => number;

const MB = 1e6;

export interface EncodingTime {
  readonly bytes: number;
  readonly tokens: number;
  readonly ms: number;
  readonly mbPerS: number;
}

const timed = (bytes: number, tokens: number, ms: number): EncodingTime => ({
  bytes,
  tokens,
  ms,
  mbPerS: bytes / MB / (ms / 1000),
});

/**
 * Byte tokens as the app makes them (prose-data.ts): with blank-line separators, the stream is
 * copied into 16 bits with one token per separator (without one, it is the file's own bytes
 * and costs nothing).
 */
export function timeByteTokens(text: Uint8Array, clock: BenchClock): EncodingTime {
  const start = clock();
  const data = buildProse('bench', text, 'byte', parseSeparator('blank'));
  return timed(text.length, data.train.length + data.val.length, clock() - start);
}

/** BPE encoding on this thread, the text pushed in sample-sized chunks as a stream would be. */
export function timeBpeEncoding(model: BpeModel, text: Uint8Array, clock: BenchClock) {
  const encoder = new BpeEncoder(model);
  const start = clock();
  let tokens = 0;
  for (let at = 0; at < text.length; at += SAMPLE_CHUNK_BYTES) {
    tokens += encoder.push(text.subarray(at, at + SAMPLE_CHUNK_BYTES)).length;
  }
  tokens += encoder.end().length;
  return timed(text.length, tokens, clock() - start);
}

export interface TrainingTime {
  readonly sampleBytes: number;
  readonly words: number;
  /** Pre-tokenizing and counting the sample's words. */
  readonly countMs: number;
  /** The merges, from the first pair count to the model. */
  readonly mergeMs: number;
  readonly model: BpeModel;
}

/** Training as the app trains: the seeded sample of the text, counted, then merged. */
export function timeBpeTraining(
  text: Uint8Array,
  vocabSize: number,
  clock: BenchClock,
): TrainingTime {
  const start = clock();
  const counts = new WordCounts();
  for (const { start: from, end } of sampleRanges(text.length))
    counts.add(text.subarray(from, end));
  const counted = clock();
  const trainer = new BpeTrainer(counts, vocabSize);
  trainer.step();
  const model = trainer.model();
  return {
    sampleBytes: counts.bytes,
    words: counts.words.size,
    countMs: counted - start,
    mergeMs: clock() - counted,
    model,
  };
}
