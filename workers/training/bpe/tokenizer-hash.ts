import { sha256Hex } from '../../../src/shared/hash';
import type { BpeModel } from './bpe-model';
import { PRETOKEN_PATTERN } from './pre-tokenizer';

/** Names the canonical form below; a change to it (or to what ids mean) gets a new name. */
export const TOKENIZER_HASH_FORMAT = 'tabtrainer-bpe/1';

/**
 * Everything that decides a text's ids, in one fixed form: the format, the pre-tokenizer's
 * pattern and the merges as id pairs in rank order (ids 0–255 are the bytes and merge i makes
 * 256 + i, so the vocabulary follows). Compact JSON with keys in this order, which Python's
 * json.dumps(separators=(",", ":")) writes byte for byte (the pattern is ASCII).
 */
export function canonicalTokenizer(model: BpeModel): string {
  const merges: [number, number][] = [];
  for (let i = 0; i < model.merges.length; i += 2) {
    merges.push([model.merges[i]!, model.merges[i + 1]!]);
  }
  return JSON.stringify({ format: TOKENIZER_HASH_FORMAT, pattern: PRETOKEN_PATTERN, merges });
}

/**
 * The tokenizer's content address: SHA-256 (hex) of its canonical form. Two tokenizers with
 * the same hash give every text the same ids, so a tokenized corpus is keyed by it.
 */
export function tokenizerHash(model: BpeModel): Promise<string> {
  return sha256Hex(new TextEncoder().encode(canonicalTokenizer(model)));
}
