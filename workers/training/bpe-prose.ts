import type { BpeModel } from './bpe/bpe-model';
import { BpeEncoder } from './bpe/bpe-encoder';
import { trainBpe } from './bpe/bpe-trainer';
import { sampleRanges } from './bpe/corpus-sample';

/** How much of a text a BPE trains on, and in chunks of what size (corpus-sample.ts). */
export interface SampleBounds {
  readonly maxBytes?: number;
  readonly chunkBytes?: number;
}
import { WordCounts } from './bpe/word-counts';

/**
 * [start, end) byte spans of the documents between separator spans (prose-data.ts's
 * separatorSpans), in order: n separators make n + 1 documents, some possibly empty.
 */
export function documentSpans(length: number, separators: readonly number[]): number[] {
  const documents = [0];
  for (const edge of separators) documents.push(edge);
  documents.push(length);
  return documents;
}

/**
 * Learns a run's BPE on its text by the trainer's own sample rule (corpus-sample.ts: the whole
 * text up to MAX_SAMPLE_BYTES, else chunks drawn with the fixed sample seed), each chunk cut at
 * the separators and each piece counted as a text of its own: a separator is one token of its
 * own, never learned as merges. The same text and vocabSize give the same merges, so a
 * resumed run learns its tokenizer again identically.
 */
export function learnProseBpe(
  bytes: Uint8Array,
  documents: readonly number[],
  vocabSize: number,
  /** The sample's bounds (tests make them small); the trainer's own by default. */
  sample: SampleBounds = {},
): BpeModel {
  const counts = new WordCounts();
  let d = 0;
  for (const range of sampleRanges(bytes.length, sample.maxBytes, undefined, sample.chunkBytes)) {
    // Ranges and documents are both in file order: skip the documents that end before.
    while (d + 2 < documents.length && documents[d + 1]! <= range.start) d += 2;
    for (let k = d; k < documents.length && documents[k]! < range.end; k += 2) {
      const start = Math.max(range.start, documents[k]!);
      const end = Math.min(range.end, documents[k + 1]!);
      if (end > start) counts.add(bytes.subarray(start, end));
    }
  }
  return trainBpe(counts, vocabSize);
}

/**
 * Each document encoded on its own (a pre-token never spans a separator), joined by
 * `separatorId`. Ids fit 16 bits: at most MAX_BPE_VOCAB tokens and the separator.
 */
export function encodeBpeDocuments(
  model: BpeModel,
  bytes: Uint8Array,
  documents: readonly number[],
  separatorId: number | null,
): Uint16Array {
  const encoder = new BpeEncoder(model);
  const parts: Uint16Array[] = [];
  let length = 0;
  for (let k = 0; k < documents.length; k += 2) {
    // encode() returns a view of a buffer sized for the bytes: keep only the ids.
    const ids = encoder.encode(bytes.subarray(documents[k], documents[k + 1])).slice();
    parts.push(ids);
    length += ids.length + (k > 0 ? 1 : 0);
  }
  const stream = new Uint16Array(length);
  let at = 0;
  parts.forEach((ids, p) => {
    if (p > 0) stream[at++] = separatorId!;
    stream.set(ids, at);
    at += ids.length;
  });
  return stream;
}
