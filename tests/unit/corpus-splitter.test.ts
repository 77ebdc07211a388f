import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { Sha256Stream } from '../../src/shared/sha256-stream';
import { parseSeparator } from '../../src/shared/text-mode';
import { DocumentSplitter } from '../../workers/corpus/document-splitter';
import { separatorSpans } from '../../workers/training/prose-data';

const utf8 = new TextEncoder();

/** Documents as the whole text's separatorSpans cuts them. */
function wholeDocuments(bytes: Uint8Array, separator: string): string[] {
  const spans = separatorSpans(bytes, parseSeparator(separator));
  const docs: string[] = [];
  let from = 0;
  for (let s = 0; s < spans.length; s += 2) {
    docs.push(Buffer.from(bytes.subarray(from, spans[s])).toString('latin1'));
    from = spans[s + 1]!;
  }
  docs.push(Buffer.from(bytes.subarray(from)).toString('latin1'));
  return docs;
}

/** Documents as the splitter cuts the text pushed in pieces at `cuts`. */
function streamedDocuments(bytes: Uint8Array, separator: string, cuts: number[]): string[] {
  const splitter = new DocumentSplitter(parseSeparator(separator));
  const docs = [''];
  const sink = {
    content: (b: Uint8Array) => (docs[docs.length - 1] += Buffer.from(b).toString('latin1')),
    separator: () => docs.push(''),
  };
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(from, cut), sink);
    from = cut;
  }
  splitter.end(sink);
  return docs;
}

function randomCuts(prng: Prng, length: number, count: number): number[] {
  const cuts = Array.from({ length: count }, () => prng.nextInt(length + 1));
  return cuts.sort((a, b) => a - b);
}

// Texts that put separators at chunk edges: CRLF blank runs, lone CRs, a literal whose prefix
// repeats (`<<|`), separators back to back and at both ends.
const TEXTS = [
  'one\n\ntwo\r\n\r\nthree\n\n\n\nfour\r\r\nfive\n\r\n\nsix\n',
  '\n\n\nstart\n \nmid\r\n\r\n\r\n',
  '<<|end|>a<<<|end|><|end|><|end|>b<|en<|end|d|>c<|end|>',
  'x<|end|>',
  'no separator here at all',
  '\r\n\r\n',
];

describe('DocumentSplitter: a stream cut anywhere splits as the whole text does', () => {
  for (const separator of ['none', 'blank', '<|end|>', '\n', 'ab']) {
    it(`separator ${JSON.stringify(separator)}`, () => {
      const prng = Prng.fromSeed(7);
      for (const text of [...TEXTS, 'aab'.repeat(40) + 'abab\n\nab']) {
        const bytes = utf8.encode(text);
        const whole = wholeDocuments(bytes, separator);
        // Every single cut, then many random sets of cuts (one byte at a time included).
        for (let c = 0; c <= bytes.length; c++) {
          expect(streamedDocuments(bytes, separator, [c])).toEqual(whole);
        }
        for (let k = 0; k < 30; k++) {
          const cuts = randomCuts(prng, bytes.length, 1 + prng.nextInt(12));
          expect(streamedDocuments(bytes, separator, cuts)).toEqual(whole);
        }
        const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
        expect(streamedDocuments(bytes, separator, everyByte)).toEqual(whole);
      }
    });
  }

  it('holds back no more than a separator could still need', () => {
    const splitter = new DocumentSplitter(parseSeparator('<|end|>'));
    const sink = { content: () => undefined, separator: () => undefined };
    splitter.push(utf8.encode('hello world <|en'), sink);
    expect(splitter.carried).toBe(4);
    splitter.push(utf8.encode('d|> more'), sink);
    expect(splitter.carried).toBe(0);
    const blank = new DocumentSplitter(parseSeparator('blank'));
    blank.push(utf8.encode('a line\r\n'), sink);
    expect(blank.carried).toBe(2);
  });
});

describe('Sha256Stream', () => {
  it('equals node:crypto for any length, fed in any pieces', () => {
    const prng = Prng.fromSeed(3);
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 70_001]) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = prng.nextInt(256);
      const expected = createHash('sha256').update(bytes).digest('hex');
      expect(new Sha256Stream().update(bytes).hex()).toBe(expected);
      const hash = new Sha256Stream();
      let from = 0;
      for (const cut of [...randomCuts(prng, length, 5), length]) {
        hash.update(bytes.subarray(from, cut));
        from = cut;
      }
      expect(hash.hex()).toBe(expected);
    }
  });
});
