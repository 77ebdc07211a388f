import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import {
  MAX_PRETOKEN_CHARS,
  PRETOKEN_PATTERN,
  UNDECIDED,
  isSafeCut,
  preTokenEnd,
  preTokenSpans,
} from '../../workers/training/bpe/pre-tokenizer';

const utf8 = new TextEncoder();
const N = MAX_PRETOKEN_CHARS;

/** The scanner's pre-tokens of a text, as strings. */
function scanned(text: string): string[] {
  const bytes = utf8.encode(text);
  const spans = preTokenSpans(bytes);
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (let s = 0; s < spans.length; s += 2) {
    out.push(decoder.decode(bytes.subarray(spans[s], spans[s + 1])));
  }
  return out;
}

/** What the pattern itself matches, run as @huggingface/tokenizers runs a Split regex. */
function matched(text: string): string[] {
  return [...text.matchAll(new RegExp(PRETOKEN_PATTERN, 'gu'))].map((m) => m[0]);
}

// Characters that exercise every class and boundary: letters, digits, symbols, each kind of
// ASCII whitespace, the apostrophe and contraction letters, NUL, controls, 2-, 3- and 4-byte
// characters (non-ASCII counts as a letter, Unicode spaces included).
const ALPHABET = [
  ...'aZsStrvlmde09 \t\n\r\v\f\'".,-_!?#\u0000\u0001\u007f',
  ...'é—€\u00a0\u3000中👩🏽\u200d',
];

function randomText(prng: Prng, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const ch = ALPHABET[prng.nextInt(ALPHABET.length)]!;
    // Long runs of one character reach the run limit now and then.
    text += prng.nextInt(40) === 0 ? ch.repeat(N - 2 + prng.nextInt(6)) : ch;
  }
  return text;
}

describe('the pre-tokenizer', () => {
  it('splits as GPT-2 does where its classes agree: contractions, leading spaces, whitespace', () => {
    expect(scanned("I'm sure it's   here, isn't it?\r\n\n  Yes 2024!")).toEqual([
      'I',
      "'m",
      ' sure',
      ' it',
      "'s",
      '  ',
      ' here',
      ',',
      ' isn',
      "'t",
      ' it',
      '?',
      '\r\n\n ',
      ' Yes',
      ' 2024',
      '!',
    ]);
  });

  it('counts every non-ASCII character as a letter, whatever the Unicode version', () => {
    expect(scanned('café—naïve 中文 👩🏽\u00a0x')).toEqual(['café—naïve', ' 中文', ' 👩🏽\u00a0x']);
  });

  it('holds at most MAX_PRETOKEN_CHARS characters of one run, counted in characters', () => {
    const letters = 'é'.repeat(N + 3);
    expect(scanned(` ${letters}`)).toEqual([` ${'é'.repeat(N)}`, 'ééé']);
    expect(scanned('7'.repeat(2 * N + 1))).toEqual(['7'.repeat(N), '7'.repeat(N), '7']);
    expect(scanned(' '.repeat(N + 2) + 'x')).toEqual([' '.repeat(N), ' ', ' x']);
    expect(scanned('\u0000'.repeat(N + 1))).toEqual(['\u0000'.repeat(N), '\u0000']);
  });

  it('matches the regex of tokenizer.json on every text (fixed cases and 300 random ones)', () => {
    const fixed = [
      '',
      "'",
      "'r",
      "'ll've're",
      ' ',
      '\n',
      'a ',
      '  a',
      ' \n a',
      '\t\t\tx',
      "x ''s",
      '👩🏽\u200d👩',
      ' '.repeat(N) + 'a',
      ' '.repeat(N + 1),
      'a'.repeat(N) + ' ' + 'b'.repeat(N + 1),
    ];
    for (const text of fixed) expect(scanned(text), JSON.stringify(text)).toEqual(matched(text));
    const prng = Prng.fromSeed(20);
    for (let t = 0; t < 300; t++) {
      const text = randomText(prng, 1 + prng.nextInt(120));
      expect(scanned(text), JSON.stringify(text)).toEqual(matched(text));
    }
  });

  it('counts a byte outside well-formed UTF-8 as a character of its own (a letter)', () => {
    // 0xff is never UTF-8; 0xe2 0x82 is a cut-short euro sign: two characters of one byte.
    const run = new Uint8Array(N + 2).fill(0xff);
    expect(preTokenSpans(run)).toEqual([0, N, N, N + 2]);
    const mixed = Uint8Array.from([0x61, 0xe2, 0x82, ...utf8.encode('é'.repeat(N))]);
    // 'a', 0xe2, 0x82 and N - 3 é make N characters; the last three é are the next word.
    const cut = 3 + 2 * (N - 3);
    expect(preTokenSpans(mixed)).toEqual([0, cut, cut, mixed.length]);
  });

  it('leaves undecided a pre-token whose end depends on bytes not yet seen', () => {
    const bytes = utf8.encode("ab c'");
    expect(preTokenEnd(bytes, 0, 2, false)).toBe(UNDECIDED); // "ab" may go on
    expect(preTokenEnd(bytes, 0, 3, false)).toBe(2);
    expect(preTokenEnd(bytes, 2, 3, false)).toBe(UNDECIDED); // a space: " c" or "  "?
    expect(preTokenEnd(bytes, 4, 5, false)).toBe(UNDECIDED); // "'" may be "'s"
    expect(preTokenEnd(bytes, 4, 5, true)).toBe(5);
    const euro = utf8.encode('€'.repeat(N));
    expect(preTokenEnd(euro, 0, euro.length - 1, false)).toBe(UNDECIDED);
    expect(preTokenEnd(euro, 0, euro.length, false)).toBe(euro.length); // N characters: decided
  });

  it('finds safe cuts: a whitespace byte after one that is not', () => {
    const bytes = utf8.encode('ab  c\nd');
    expect([...bytes.keys()].filter((p) => isSafeCut(bytes, p))).toEqual([2, 5]);
  });
});
