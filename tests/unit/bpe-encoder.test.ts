import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { bpeDecoder, decodeBpeBytes } from '../../workers/training/bpe/bpe-decoder';
import { BpeEncoder, encodeBpe } from '../../workers/training/bpe/bpe-encoder';
import { lastSafeCut } from '../../workers/training/bpe/pre-tokenizer';
import { decodeAll } from '../../workers/training/tokenizer';
import { INVALID_UTF8, mark, markModel, randomBytes, trickyBytes, webText } from './bpe-fixtures';

const model = markModel(1024);
const concat = (parts: Uint16Array[]) => {
  const all = new Uint16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
};

/** The ids of `bytes` pushed in pieces cut at `cuts`. */
function streamed(bytes: Uint8Array, cuts: number[]) {
  // A small cache: a default one is megabytes to allocate, and hundreds are made here.
  const encoder = new BpeEncoder(model, 64);
  const parts: Uint16Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(encoder.push(bytes.subarray(from, cut)));
    from = cut;
  }
  parts.push(encoder.end());
  return concat(parts);
}

describe('the BPE encoder', () => {
  it('compresses text like its training text, and every id is in the vocabulary', () => {
    const held = webText().subarray(2_000_000, 2_100_000);
    const ids = encodeBpe(model, held);
    expect(ids.length).toBeLessThan(held.length * 0.45);
    expect(Math.max(...ids)).toBeLessThan(model.vocabSize);
    expect(Math.max(...ids)).toBeGreaterThan(900);
  });

  it('gives the same ids wherever the stream is cut (every cut of a tricky text, random cuts)', () => {
    const whole = encodeBpe(model, trickyBytes);
    for (let cut = 0; cut <= trickyBytes.length; cut++) {
      expect(streamed(trickyBytes, [cut]), `cut at ${cut}`).toEqual(whole);
    }
    const text = webText().subarray(0, 300_000);
    const prng = Prng.fromSeed(5);
    const cuts = Array.from({ length: 200 }, () => prng.nextInt(text.length)).sort((a, b) => a - b);
    expect(streamed(text, cuts)).toEqual(encodeBpe(model, text));
  });

  it('carries at most one pre-token, and a fresh encoder from consumed − carried goes on exactly', () => {
    const text = webText().subarray(100_000, 160_000);
    const whole = encodeBpe(model, text);
    for (const cut of [1, 777, 30_001, 59_999]) {
      const first = new BpeEncoder(model);
      const head = first.push(text.subarray(0, cut));
      expect(first.carried).toBeLessThanOrEqual(1 + 4 * 64);
      const resumed = new BpeEncoder(model);
      const tail = concat([resumed.push(text.subarray(cut - first.carried)), resumed.end()]);
      expect(concat([head, tail])).toEqual(whole);
    }
  });

  it('encodes pieces cut at safe cuts independently, as parallel workers would', () => {
    const text = webText().subarray(500_000, 800_000);
    const pieces: Uint16Array[] = [];
    let from = 0;
    while (from < text.length) {
      const cut = lastSafeCut(text, from + 1, Math.min(text.length, from + 64_000));
      const to = cut < 0 || from + 64_000 >= text.length ? text.length : cut;
      pieces.push(encodeBpe(model, text.subarray(from, to)));
      from = to;
    }
    expect(pieces.length).toBeGreaterThan(3);
    expect(concat(pieces)).toEqual(encodeBpe(model, text));
  });

  it('gives the same ids with a cache that keeps emptying', () => {
    const text = mark.subarray(0, 40_000);
    expect(new BpeEncoder(model, 16).encode(text)).toEqual(encodeBpe(model, text));
  });
});

describe('encode → decode', () => {
  it('is the identity on arbitrary bytes: invalid UTF-8, emoji, NUL, CRLF, random bytes', () => {
    for (const bytes of [trickyBytes, INVALID_UTF8, randomBytes(1, 20_000), new Uint8Array(0)]) {
      expect(decodeBpeBytes(model, encodeBpe(model, bytes))).toEqual(bytes);
    }
  });

  it('shows text through the streaming UTF-8 decoder: a character split across tokens', () => {
    const decoder = bpeDecoder(model);
    const ids = encodeBpe(model, new TextEncoder().encode('ok 👍'));
    // Fed one id at a time, the emoji (4 bytes, no token in Mark) shows once its last is in.
    const shown = Array.from(ids, (id) => decoder.push([id]));
    expect(shown.slice(0, -1).join('')).toBe('ok ');
    expect(shown.at(-1)).toBe('👍');
    expect(decoder.end()).toBe('');
    expect(
      decodeAll({ decoder: () => bpeDecoder(model) } as never, encodeBpe(model, INVALID_UTF8)),
    ).toBe(new TextDecoder().decode(INVALID_UTF8));
  });

  it('refuses an id outside the vocabulary exactly, and shows nothing for it on display', () => {
    expect(() => decodeBpeBytes(model, [65, model.vocabSize])).toThrow(RangeError);
    const decoder = bpeDecoder(model);
    expect(decoder.push([72, -1, model.vocabSize, 1.5, 105]) + decoder.end()).toBe('Hi');
  });
});
