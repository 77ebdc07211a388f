import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  BpeVocabSizeError,
  TokenizerJsonMalformedError,
  TokenizerJsonUnsupportedError,
} from '../../src/shared/errors';
import { decodeBpeBytes } from '../../workers/training/bpe/bpe-decoder';
import { encodeBpe } from '../../workers/training/bpe/bpe-encoder';
import { exportTokenizerJson } from '../../workers/training/bpe/tokenizer-json';
import { importTokenizerJson } from '../../workers/training/bpe/tokenizer-json-import';
import { canonicalTokenizer, tokenizerHash } from '../../workers/training/bpe/tokenizer-hash';
import { INVALID_UTF8, TRICKY_TEXT, markModel, webText } from './bpe-fixtures';

const model = markModel(2048);
const exported = exportTokenizerJson(model);
const hf = new Tokenizer(JSON.parse(exported), { clean_up_tokenization_spaces: false });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the exported tokenizer.json in @huggingface/tokenizers', () => {
  it('encodes held-out text to exactly the trainer’s ids (300 KB of the rest of the Bible)', () => {
    // Mark is in the New Testament; Genesis to Kings is text the tokenizer never saw.
    const held = webText().subarray(200_000, 500_000);
    const ours = Array.from(encodeBpe(model, held));
    expect(ours.length).toBeGreaterThan(60_000);
    expect(hf.encode(text(held)).ids).toEqual(ours);
  });

  it('encodes emoji, NUL, CRLF, CJK, controls and over-long runs to the same ids, and back', () => {
    const bytes = new TextEncoder().encode(TRICKY_TEXT);
    const ours = Array.from(encodeBpe(model, bytes));
    expect(hf.encode(TRICKY_TEXT).ids).toEqual(ours);
    expect(hf.decode(ours)).toBe(TRICKY_TEXT);
  });

  it('agrees on invalid UTF-8 as HF receives it: decoded with U+FFFD, as a string', () => {
    // HF takes strings, so it never sees these bytes; our encoder keeps them exactly, and the
    // text HF can be given (U+FFFD in their place) encodes the same on both sides.
    expect(decodeBpeBytes(model, encodeBpe(model, INVALID_UTF8))).toEqual(INVALID_UTF8);
    const lossy = text(INVALID_UTF8);
    expect(hf.encode(lossy).ids).toEqual(
      Array.from(encodeBpe(model, new TextEncoder().encode(lossy))),
    );
  });
});

describe('tokenizer.json import', () => {
  it('reads the export back to the same merges and the same hash', async () => {
    const back = importTokenizerJson(exported);
    expect(back.merges).toEqual(model.merges);
    expect(canonicalTokenizer(back)).toBe(canonicalTokenizer(model));
    expect(await tokenizerHash(back)).toMatch(/^[0-9a-f]{64}$/);
    expect(await tokenizerHash(back)).toBe(await tokenizerHash(model));
    expect(await tokenizerHash(markModel(1024))).not.toBe(await tokenizerHash(model));
  });

  /** The export's JSON, as far as the edits below reach into it. */
  interface ExportedJson {
    [key: string]: unknown;
    added_tokens: unknown[];
    model: {
      [key: string]: unknown;
      vocab: Record<string, number>;
      merges: unknown[];
    };
  }
  const edited = (edit: (json: ExportedJson) => void) => {
    const json = JSON.parse(exported) as ExportedJson;
    edit(json);
    return JSON.stringify(json);
  };

  it('refuses a file that is malformed, saying what is wrong', () => {
    const cases: [string, string][] = [
      [exported.slice(0, 5000), 'it is not JSON'],
      ['[1, 2]', 'it is not a JSON object'],
      [edited((j) => delete (j as Record<string, unknown>)['model']), 'it has no "model" object'],
      [
        edited((j) => ((j.model as Record<string, unknown>)['merges'] = 'a b')),
        'its model has no "merges" list',
      ],
      [
        edited((j) => j.model.merges.pop()),
        'its vocabulary has 2048 tokens where 256 bytes and 1791 merges make 2047',
      ],
      [edited((j) => (j.model.merges[5] = 'Ġ')), 'merge 5 is "Ġ", not two tokens'],
      [
        edited((j) => (j.model.merges[9] = 'Ġ nowhere')),
        'merge 9 ("Ġ nowhere") names a token not in the vocabulary',
      ],
      [edited((j) => (j.model.vocab['a'] = 98)), 'token "b" has the id 98'],
    ];
    for (const [file, problem] of cases) {
      expect(() => importTokenizerJson(file), problem).toThrow(TokenizerJsonMalformedError);
      expect(() => importTokenizerJson(file)).toThrow(
        `This tokenizer.json is malformed: ${problem}`,
      );
    }
  });

  it('refuses a tokenizer.json that is not this trainer’s byte-level BPE, saying what it is', () => {
    const cases: [string, string][] = [
      [edited((j) => (j.model.type = 'WordPiece')), 'its model is "WordPiece", not BPE'],
      [edited((j) => (j['normalizer'] = { type: 'NFC' })), 'it has a normalizer'],
      // GPT-2's own: ByteLevel with its Unicode regex.
      [
        edited(
          (j) =>
            (j['pre_tokenizer'] = {
              type: 'ByteLevel',
              add_prefix_space: false,
              trim_offsets: true,
              use_regex: true,
            }),
        ),
        'it has another pre-tokenizer',
      ],
      [
        edited((j) => j.added_tokens.push({ id: 2048, content: '<|endoftext|>', special: true })),
        'it has added tokens',
      ],
      [edited((j) => (j.model.byte_fallback = true)), 'its BPE has byte_fallback true'],
      [
        edited((j) => {
          const v = j.model.vocab;
          [v['a'], v['b']] = [v['b'], v['a']];
        }),
        'id 97 is "b", not the byte 97',
      ],
      [
        edited(
          (j) => ([j.model.merges[0], j.model.merges[1]] = [j.model.merges[1], j.model.merges[0]]),
        ),
        'merge 0',
      ],
    ];
    for (const [file, found] of cases) {
      expect(() => importTokenizerJson(file), found).toThrow(TokenizerJsonUnsupportedError);
      expect(() => importTokenizerJson(file)).toThrow(found);
    }
  });

  it('refuses a vocabulary outside 512 to 32,768 by the vocabulary size error', () => {
    const small = edited((j) => {
      const names = Object.keys(j.model.vocab);
      j.model.merges = j.model.merges.slice(0, 100);
      j.model.vocab = Object.fromEntries(
        names.filter((n) => j.model.vocab[n] < 356).map((n) => [n, j.model.vocab[n]]),
      );
    });
    expect(() => importTokenizerJson(small)).toThrow(BpeVocabSizeError);
  });
});
