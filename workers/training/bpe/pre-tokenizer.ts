/**
 * The pre-tokenizer: where BPE's words begin and end. Merges never cross a pre-token.
 *
 * GPT-2's split (contractions, an optional space then a run of letters, of digits or of other
 * symbols, whitespace that leaves its last character to the next word), with two changes:
 *
 * - Its classes are ASCII, and every non-ASCII character counts as a letter. GPT-2's \p{L} and
 *   \p{N} follow the Unicode tables of whichever engine runs them (V8 here has Unicode 17, Python
 *   3.11 has 14, browsers differ), so the same text could split differently in two browsers or
 *   in Python; ASCII classes split it the same everywhere, and @huggingface/tokenizers (and the
 *   Rust crate) run the pattern as it is written. Bytes are classified without decoding, so
 *   invalid UTF-8 needs no special case (any byte ≥ 0x80 is a letter).
 * - Each run holds at most MAX_PRETOKEN_CHARS characters ({1,N}), so a pre-token is short
 *   whatever the file holds (a gigabyte of one character is many pre-tokens): the streaming
 *   encoder carries at most one pre-token between chunks, and BPE on a word stays cheap.
 *
 * The pattern below is what tokenizer.json holds (a Split pre-tokenizer); `preTokenEnd` is the
 * same pattern as a scanner over UTF-8 bytes, equal to the regex on every valid UTF-8 text
 * (tests/unit/bpe-pre-tokenizer.test.ts checks it against the RegExp). On invalid UTF-8, where
 * HF (working on strings) cannot go, a character is a well-formed UTF-8 sequence or a single
 * byte that is not part of one: what Python's `surrogateescape` decoding counts, so the bridge
 * runs the same pattern with `re` and agrees byte for byte.
 */

/** The longest run of one class a pre-token holds, in characters. */
export const MAX_PRETOKEN_CHARS = 64;

const N = MAX_PRETOKEN_CHARS;
// ASCII whitespace: \t \n \v \f \r and space (JavaScript's and Python's \s are Unicode-wide).
const SPACE_CLASS = String.raw`[\x09-\x0d\x20]`;
const NOT_SPACE_CLASS = String.raw`[^\x09-\x0d\x20]`;
// Letters: ASCII letters and every non-ASCII character.
const LETTER_CLASS = String.raw`[^\x00-\x40\x5b-\x60\x7b-\x7f]`;
// Other: ASCII that is neither letter, digit nor whitespace (punctuation, controls, NUL).
const OTHER_CLASS = String.raw`[\x00-\x08\x0e-\x1f\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]`;

/** The split as a regex (JavaScript with the `u` flag, Oniguruma, Python's `re`). */
export const PRETOKEN_PATTERN = [
  "'s|'t|'re|'ve|'m|'ll|'d",
  ` ?${LETTER_CLASS}{1,${N}}`,
  ` ?[0-9]{1,${N}}`,
  ` ?${OTHER_CLASS}{1,${N}}`,
  `${SPACE_CLASS}{1,${N}}(?!${NOT_SPACE_CLASS})`,
  `${SPACE_CLASS}{1,${N}}`,
].join('|');

const LETTER = 0;
const DIGIT = 1;
const OTHER = 2;
const SPACE = 3;

/** Each byte's class; bytes ≥ 0x80 (any part of a non-ASCII character, or invalid) are letters. */
const CLASS = (() => {
  const table = new Uint8Array(256).fill(LETTER);
  for (let b = 0; b < 0x80; b++) {
    const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
    if (b >= 0x30 && b <= 0x39) table[b] = DIGIT;
    else if ((b >= 0x09 && b <= 0x0d) || b === 0x20) table[b] = SPACE;
    else if (!letter) table[b] = OTHER;
  }
  return table;
})();

const BLANK = 0x20;
const APOSTROPHE = 0x27;
/** Letters that end a contraction: 's 't 'm 'd, and the first of 're 've 'll with its second. */
const SHORT_CONTRACTION = new Set([0x73, 0x74, 0x6d, 0x64]);
const LONG_CONTRACTION = new Map([
  [0x72, 0x65],
  [0x76, 0x65],
  [0x6c, 0x6c],
]);

/** Returned when the bytes before `limit` cannot decide a pre-token (more input may change it). */
export const UNDECIDED = -1;

/**
 * The end of the pre-token that starts at `i`, looking only at bytes before `limit`. With
 * `final` the text ends at `limit`; without it, a pre-token whose end depends on bytes not yet
 * seen is UNDECIDED, and the caller carries its bytes to the next chunk. Exactly the first
 * alternative of PRETOKEN_PATTERN that matches at `i`, as a backtracking regex would take it.
 */
export function preTokenEnd(b: Uint8Array, i: number, limit: number, final: boolean): number {
  const c = b[i]!;
  if (c === APOSTROPHE) {
    if (i + 1 >= limit) {
      if (!final) return UNDECIDED;
    } else {
      const c1 = b[i + 1]!;
      if (SHORT_CONTRACTION.has(c1)) return i + 2;
      const second = LONG_CONTRACTION.get(c1);
      if (second !== undefined) {
        if (i + 2 >= limit) {
          if (!final) return UNDECIDED;
        } else if (b[i + 2] === second) return i + 3;
      }
    }
  }
  let runStart = i;
  if (c === BLANK) {
    if (i + 1 >= limit) return final ? i + 1 : UNDECIDED;
    runStart = i + 1;
  }
  const cls = CLASS[b[runStart]!]!;
  if (cls === SPACE) return spaceRunEnd(b, i, limit, final);
  return cls === LETTER
    ? letterRunEnd(b, runStart, limit, final)
    : asciiRunEnd(b, runStart, cls, limit, final);
}

/** `[digits]{1,N}` or `[other]{1,N}`: ASCII, so characters are bytes. */
function asciiRunEnd(b: Uint8Array, j: number, cls: number, limit: number, final: boolean): number {
  const stop = Math.min(limit, j + N);
  let k = j + 1;
  while (k < stop && CLASS[b[k]!] === cls) k++;
  if (k < limit || k === j + N || final) return k;
  return UNDECIDED;
}

/** `[letters]{1,N}`, N counted in characters (see the file's comment for invalid UTF-8). */
function letterRunEnd(b: Uint8Array, j: number, limit: number, final: boolean): number {
  // At most N bytes are at most N characters: count characters only in a longer run.
  const stop = Math.min(limit, j + N);
  let k = j + 1;
  while (k < stop && CLASS[b[k]!] === LETTER) k++;
  if (k < stop || (k === limit && k < j + N)) {
    if (k < limit || final) return k;
    return UNDECIDED;
  }
  let pos = j;
  for (let chars = 0; chars < N; chars++) {
    if (pos >= limit) return final ? pos : UNDECIDED;
    if (CLASS[b[pos]!] !== LETTER) return pos;
    const length = charLength(b, pos, limit, final);
    if (length === UNDECIDED) return UNDECIDED;
    pos += length;
  }
  return pos;
}

/**
 * `\s{1,N}(?!\S)` then `\s{1,N}`: a run longer than N gives N; a run that ends the text is
 * whole; one followed by another character leaves its last space to that character's word
 * (a run of one is taken whole by the second alternative).
 */
function spaceRunEnd(b: Uint8Array, i: number, limit: number, final: boolean): number {
  const stop = Math.min(limit, i + N + 1);
  let k = i + 1;
  while (k < stop && CLASS[b[k]!] === SPACE) k++;
  if (k === i + N + 1) return i + N;
  if (k < limit) return k - i >= 2 ? k - 1 : k;
  return final ? k : UNDECIDED;
}

/**
 * Bytes of the character at `pos`: a well-formed UTF-8 sequence (Unicode's table 3-7: no
 * overlongs, surrogates or code points past U+10FFFF), else 1 (a byte that is not part of one).
 */
export function charLength(b: Uint8Array, pos: number, limit: number, final: boolean): number {
  const c = b[pos]!;
  if (c < 0x80) return 1;
  let more: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) more = 1;
  else if (c === 0xe0) [more, lo] = [2, 0xa0];
  else if (c === 0xed) [more, hi] = [2, 0x9f];
  else if (c >= 0xe1 && c <= 0xef) more = 2;
  else if (c === 0xf0) [more, lo] = [3, 0x90];
  else if (c === 0xf4) [more, hi] = [3, 0x8f];
  else if (c >= 0xf1 && c <= 0xf3) more = 3;
  else return 1;
  for (let k = 1; k <= more; k++) {
    if (pos + k >= limit) return final ? 1 : UNDECIDED;
    const next = b[pos + k]!;
    if (next < lo || next > hi) return 1;
    lo = 0x80;
    hi = 0xbf;
  }
  return more + 1;
}

/**
 * Whether a pre-token starts at `p` whatever came before: a whitespace byte after one that is
 * not. Nothing matched before `p` can hold it (runs of letters, digits and symbols stop at
 * whitespace), and the pattern never looks back, so text cut there encodes in parts exactly
 * as it does whole: chunks of a corpus can be encoded in parallel.
 */
export function isSafeCut(b: Uint8Array, p: number): boolean {
  return p > 0 && p < b.length && CLASS[b[p]!] === SPACE && CLASS[b[p - 1]!] !== SPACE;
}

/** The last safe cut in [from, to), or -1. */
export function lastSafeCut(b: Uint8Array, from: number, to: number): number {
  for (let p = Math.min(to, b.length) - 1; p >= Math.max(from, 1); p--) {
    if (isSafeCut(b, p)) return p;
  }
  return -1;
}

/** Every pre-token of a whole text, as [start, end) pairs (tests, Python goldens). */
export function preTokenSpans(b: Uint8Array): number[] {
  const spans: number[] = [];
  for (let i = 0; i < b.length;) {
    const end = preTokenEnd(b, i, b.length, true);
    spans.push(i, end);
    i = end;
  }
  return spans;
}
