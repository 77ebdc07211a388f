import type { BpeModel } from './bpe-model';
import { byteLevelString } from './byte-level-alphabet';
import { PRETOKEN_PATTERN } from './pre-tokenizer';

/**
 * The pre-tokenizer as tokenizer.json writes it: PRETOKEN_PATTERN as an isolating Split (every
 * byte is in some match, so nothing falls between), then ByteLevel without its own regex, which
 * only maps each piece's UTF-8 bytes to the byte-level alphabet.
 */
export const PRE_TOKENIZER_JSON = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { Regex: PRETOKEN_PATTERN }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
  ],
} as const;

export const DECODER_JSON = {
  type: 'ByteLevel',
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: false,
} as const;

/** The model's fields besides vocab and merges: plain BPE, nothing unknown, no fallbacks. */
export const BPE_MODEL_OPTIONS = {
  type: 'BPE',
  dropout: null,
  unk_token: null,
  continuing_subword_prefix: null,
  end_of_word_suffix: null,
  fuse_unk: false,
  byte_fallback: false,
  ignore_merges: false,
} as const;

/**
 * The model as a Hugging Face tokenizer.json (the `tokenizers` format, version 1.0): no
 * normalizer, post-processor or added tokens; the vocabulary is each id's byte-level string,
 * the merges are "left right" strings in rank order (the form every version reads).
 */
export function exportTokenizerJson(model: BpeModel): string {
  const names = Array.from({ length: model.vocabSize }, (_, id) =>
    byteLevelString(model.tokenBytes(id)),
  );
  const merges: string[] = [];
  for (let i = 0; i < model.merges.length; i += 2) {
    merges.push(`${names[model.merges[i]!]} ${names[model.merges[i + 1]!]}`);
  }
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: PRE_TOKENIZER_JSON,
    post_processor: null,
    decoder: DECODER_JSON,
    model: {
      ...BPE_MODEL_OPTIONS,
      vocab: Object.fromEntries(names.map((n, id) => [n, id])),
      merges,
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
