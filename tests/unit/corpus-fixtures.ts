import type { OpenCorpusOptions } from '../../workers/corpus/corpus-store';
import { INVALID_UTF8, mark, trickyBytes } from './bpe-fixtures';

/** The parts one after another, in one buffer. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `<|end|>`, the literal separator the corpus tests join their parts with. */
export const END = new TextEncoder().encode('<|end|>');

/** Mark's paragraphs, tricky text and invalid UTF-8, with `<|end|>` between the parts. */
export const MIXED_CORPUS: Uint8Array<ArrayBuffer> = joinBytes([
  mark,
  END,
  trickyBytes,
  END,
  INVALID_UTF8,
  END,
  mark.subarray(0, 20_000),
]);

/** Small shards and odd read sizes, so a corpus of 100 KB makes many shards and cuts everywhere. */
export const SMALL_SHARDS: OpenCorpusOptions = { shardTokens: 4096, chunkBytes: 3001 };
