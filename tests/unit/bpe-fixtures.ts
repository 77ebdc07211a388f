import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Prng } from '../../src/shared/prng';
import type { BpeModel } from '../../workers/training/bpe/bpe-model';
import { trainBpe } from '../../workers/training/bpe/bpe-trainer';
import { WordCounts } from '../../workers/training/bpe/word-counts';

const TEXT = resolve(__dirname, '../fixtures/text');
export const MARK_FILE = 'tests/fixtures/text/mark.txt';

/** The Gospel of Mark (77 KB): the tokenizer the BPE tests train. */
export const mark = new Uint8Array(readFileSync(resolve(TEXT, 'mark.txt')));

let web: Uint8Array | null = null;
/** The whole World English Bible (5 MB), for held-out text and samples. */
export function webText(): Uint8Array {
  web ??= new Uint8Array(gunzipSync(readFileSync(resolve(TEXT, 'web.txt.gz'))));
  return web;
}

const trained = new Map<number, BpeModel>();
/** A BPE trained on all of Mark (one chunk), once per vocabulary size. */
export function markModel(vocabSize: number): BpeModel {
  let model = trained.get(vocabSize);
  if (model === undefined) {
    const counts = new WordCounts();
    counts.add(mark);
    model = trainBpe(counts, vocabSize);
    trained.set(vocabSize, model);
  }
  return model;
}

const utf8 = new TextEncoder();

/**
 * Text that no training line of Mark holds: emoji (with a joiner and a skin tone), NUL and
 * other controls, CRLF, tabs, accents, CJK, contractions, digits, and runs longer than a
 * pre-token holds.
 */
export const TRICKY_TEXT =
  "Don't panic: it's 42\u0000 — naïve café, 中文字符, 👩🏽\u200d💻 ok.\r\n\r\n\tTabs\tand  " +
  'spaces   \u000b\f\u0001' +
  'x'.repeat(150) +
  ' ' +
  '9'.repeat(70) +
  ' '.repeat(70) +
  '!?'.repeat(40) +
  'é'.repeat(80) +
  '\n';

export const trickyBytes = utf8.encode(TRICKY_TEXT);

/** Bytes that are not UTF-8 around valid text: lone continuation, cut-short, overlong, 0xff. */
export const INVALID_UTF8 = Uint8Array.from([
  0x80,
  0x61,
  0xff,
  0xfe,
  0x20,
  0xe2,
  0x82,
  0x20,
  0xc0,
  0xaf,
  0xed,
  0xa0,
  0x80,
  0xf4,
  0x90,
  0x80,
  0x80,
  ...utf8.encode(' ok 👍'),
  0xf0,
  0x9f,
  0x98,
]);

/** `length` bytes drawn from the run's PRNG: any value, often not UTF-8. */
export function randomBytes(seed: number, length: number): Uint8Array {
  const prng = Prng.fromSeed(seed);
  return Uint8Array.from({ length }, () => prng.nextInt(256));
}
