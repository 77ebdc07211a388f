import { describe, expect, it } from 'vitest';
import { buildProse } from '../../workers/training/prose-data';
import { byteTokenizer, charTokenizer, decodeAll } from '../../workers/training/tokenizer';

const utf8 = (text: string) => new TextEncoder().encode(text);
const stream = (bytes: Uint8Array) => {
  const data = buildProse('t', bytes, 'byte', { kind: 'none' });
  return [...data.train, ...data.val];
};

describe('byte tokens', () => {
  it('are the UTF-8 bytes: emoji, NUL, CRLF and accents round-trip exactly', () => {
    const text = 'a\u0000b\r\nc — café 👩‍👧 ok\n';
    const ids = stream(utf8(text));
    expect(ids).toEqual([...utf8(text)]);
    expect(decodeAll(byteTokenizer(null), ids)).toBe(text);
  });

  it('train invalid UTF-8 as the bytes it is, and show it as U+FFFD without throwing', () => {
    const bytes = Uint8Array.from([0x61, 0xff, 0xc3, 0x28, 0xe2, 0x82, 0x62]);
    expect(stream(bytes)).toEqual([...bytes]);
    expect(decodeAll(byteTokenizer(null), bytes)).toBe('a\uFFFD\uFFFD(\uFFFDb');
  });

  it('show a character split across pushes once it is complete, never half of it', () => {
    const decoder = byteTokenizer(null).decoder();
    const euro = [...utf8('€')]; // three bytes
    expect(decoder.push([0x41, euro[0]!])).toBe('A');
    expect(decoder.push([euro[1]!])).toBe('');
    expect(decoder.push([euro[2]!, 0x42])).toBe('€B');
    // A sequence that ends cut short shows as U+FFFD.
    expect(decoder.push([0xf0, 0x9f])).toBe('');
    expect(decoder.end()).toBe('\uFFFD');
  });

  it('show the separator token as its text, ending a character cut short before it', () => {
    const tokenizer = byteTokenizer('<|endoftext|>');
    expect(tokenizer.vocabSize).toBe(257);
    expect(tokenizer.separatorId).toBe(256);
    expect(tokenizer.byteLength(256)).toBe(13);
    expect(tokenizer.byteLength(65)).toBe(1);
    expect(decodeAll(tokenizer, [0x68, 0x69, 256, 0xe2, 256, 0x6f])).toBe(
      'hi<|endoftext|>\uFFFD<|endoftext|>o',
    );
  });
});

describe('character tokens', () => {
  it('index the alphabet by code point; the separator is the last id', () => {
    const tokenizer = charTokenizer(['\n', 'a', 'é', '👩'], '\n\n');
    expect(tokenizer.vocabSize).toBe(5);
    expect(tokenizer.separatorId).toBe(4);
    expect([0, 1, 2, 3, 4].map((id) => tokenizer.byteLength(id))).toEqual([1, 1, 2, 4, 2]);
    expect(decodeAll(tokenizer, [1, 2, 0, 3, 4, 1])).toBe('aé\n👩\n\na');
  });

  it('round-trip prose with emoji, NUL and CRLF as one stream', () => {
    const text = 'x\u0000y\r\nz 👩🏽 end';
    const data = buildProse('t', utf8(text), 'char', { kind: 'none' });
    expect(data.vocab).toEqual(
      [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!),
    );
    expect(decodeAll(data.tokenizer, [...data.train, ...data.val])).toBe(text);
  });
});
