import { describe, expect, it } from 'vitest';
import { presetConfig, validateConfig } from '../../src/shared/config';
import { BatchSampler, windowOffsets } from '../../src/shared/data-cursor';
import { MAX_LINES_BYTES } from '../../src/shared/text-mode';
import { buildByteLines, BYTE_BOUNDARY } from '../../workers/training/dataset';
import { validationSet } from '../../workers/training/evaluation';
import { gatherWindows, separatorSpans } from '../../workers/training/prose-data';
import { buildTextDataset, checkContextFits } from '../../workers/training/text-dataset';
import { decodeAll } from '../../workers/training/tokenizer';
import { MARK_TEXT } from './gpt-fixtures';

const utf8 = (text: string) => new TextEncoder().encode(text);
const prose = (text: string, separator = 'none', tokens: 'byte' | 'char' = 'byte') =>
  buildTextDataset('t.txt', text, { tokens, text: 'prose', separator });
const whole = (data: ReturnType<typeof prose>) => {
  if (data.kind !== 'prose') throw new Error('not prose');
  return [...data.train, ...data.val];
};

describe('prose: the text as one stream', () => {
  it('has windows that cross line breaks, targets shifted by one', () => {
    const data = prose('ab\ncd\n\nef gh ij kl mn op');
    if (data.kind !== 'prose') throw new Error('not prose');
    const { x, y } = gatherWindows(data.train, [1, 0], 4, true);
    expect(decodeAll(data.tokenizer, x.slice(0, 4))).toBe('b\ncd');
    expect(decodeAll(data.tokenizer, y.slice(0, 4))).toBe('\ncd\n');
    expect(decodeAll(data.tokenizer, x.slice(4))).toBe('ab\nc');
    // The mlp predicts only the token after each window.
    expect(Array.from(gatherWindows(data.train, [1], 4, false).y)).toEqual([utf8('\n')[0]]);
  });

  it('holds out the last tenth of the stream, the same for every run', () => {
    const text = 'x'.repeat(95) + 'y'.repeat(10);
    const data = prose(text);
    if (data.kind !== 'prose') throw new Error('not prose');
    expect(data.val.length).toBe(Math.ceil(105 / 10));
    expect(decodeAll(data.tokenizer, data.val)).toBe('x' + 'y'.repeat(10));
    expect(data.train.length + data.val.length).toBe(105);
  });

  it('separator none: one document, the bytes themselves, no separator token', () => {
    const data = prose('a\n\nb<|endoftext|>c');
    expect(data.tokenizer.vocabSize).toBe(256);
    expect(whole(data)).toEqual([...utf8('a\n\nb<|endoftext|>c')]);
  });

  it('separator blank: each run of two or more line breaks (LF or CRLF) is one token', () => {
    const text = 'one\ntwo\n\nthree\r\n\r\nfour\n\n\n\nfive\n';
    const data = prose(text, 'blank');
    if (data.kind !== 'prose') throw new Error('not prose');
    expect(data.documents).toBe(4);
    expect(data.tokenizer.vocabSize).toBe(257);
    const ids = whole(data);
    expect(ids.filter((id) => id === 256)).toHaveLength(3);
    expect(decodeAll(data.tokenizer, ids)).toBe('one\ntwo\n\nthree\n\nfour\n\nfive\n');
    expect(separatorSpans(utf8(text), { kind: 'blank' })).toEqual([7, 9, 14, 18, 22, 26]);
  });

  it('a literal separator: each occurrence is one token, adjacent ones too', () => {
    const data = prose('Once.<|endoftext|>Twice.<|endoftext|><|endoftext|>', '<|endoftext|>');
    const ids = whole(data);
    expect(ids.slice(5)).toEqual([256, ...utf8('Twice.'), 256, 256]);
    expect(decodeAll(data.tokenizer, ids)).toBe(
      'Once.<|endoftext|>Twice.<|endoftext|><|endoftext|>',
    );
  });

  it('char tokens of prose: the alphabet plus the separator as the last id', () => {
    const data = prose('ab\n\nba\n\nc', 'blank', 'char');
    if (data.kind !== 'prose') throw new Error('not prose');
    expect(data.vocab).toEqual(['a', 'b', 'c']);
    expect(whole(data)).toEqual([0, 1, 3, 1, 0, 3, 2]);
  });

  it('refuses a separator the text never contains, and says what to do', () => {
    expect(() => prose('no blank lines\nhere\n', 'blank')).toThrow(
      expect.objectContaining({
        name: 'SeparatorNotFoundError',
        message: expect.stringMatching(/no blank line occurs.*separator=none/),
      }),
    );
    expect(() => prose('plain text', '<|endoftext|>')).toThrow(
      /the separator "<\|endoftext\|>" never occurs/,
    );
  });

  it('refuses an empty text and a context longer than a part of the text', () => {
    expect(() => prose('')).toThrow(expect.objectContaining({ name: 'TextEmptyError' }));
    expect(() =>
      buildTextDataset('t', ' \n\n \n', { tokens: 'char', text: 'lines', separator: 'none' }),
    ).toThrow(
      expect.objectContaining({
        name: 'TextEmptyError',
        message: expect.stringMatching(/no line with text/),
      }),
    );
    const config = presetConfig('gpt-nano');
    const short = prose('x'.repeat(400));
    expect(() => checkContextFits('t.txt', config, short)).toThrow(
      expect.objectContaining({
        name: 'ContextTooLongError',
        message: expect.stringMatching(
          /context of 64 tokens is longer than the validation part.*40 tokens/,
        ),
      }),
    );
    expect(() => checkContextFits('t.txt', { ...config, context: 32 }, short)).not.toThrow();
  });

  it('refuses a text over its mode’s limit, by name', () => {
    const big = new Uint8Array(MAX_LINES_BYTES + 1).fill(0x61);
    expect(() =>
      buildTextDataset('big.txt', big, { tokens: 'byte', text: 'lines', separator: 'none' }),
    ).toThrow(
      expect.objectContaining({
        name: 'TextTooLargeError',
        message: expect.stringMatching(
          /"big.txt" is 10.0 MB; one example per line takes at most 10.0 MB.*text=prose/,
        ),
      }),
    );
  });
});

describe('prose batches', () => {
  it('are a pure function of (seed, batch number), drawn within the window starts', () => {
    const a = windowOffsets(7, 12, 16, 1000);
    expect(windowOffsets(7, 12, 16, 1000)).toEqual(a);
    expect(windowOffsets(7, 13, 16, 1000)).not.toEqual(a);
    expect(windowOffsets(8, 12, 16, 1000)).not.toEqual(a);
    expect(a.every((o) => o < 1000)).toBe(true);
  });

  it('follow the cursor and the skip list as lines do: the cursor is the batch number', () => {
    const skips = [{ fromBatch: 2, toBatch: 5 }];
    const sampler = new BatchSampler(3, 100, 10, { epoch: 0, index: 0 }, skips, 'windows');
    const numbers = [];
    for (let i = 0; i < 8; i++) {
      const offsets = sampler.next();
      expect(offsets).toEqual(windowOffsets(3, sampler.lastBatch!, 10, 100));
      numbers.push(sampler.lastBatch);
    }
    expect(numbers).toEqual([0, 1, 5, 6, 7, 8, 9, 10]);
    // A sampler made at a saved cursor draws the same batches as the one that went on.
    const resumed = new BatchSampler(3, 100, 10, sampler.position(), skips, 'windows');
    expect(resumed.next()).toEqual(sampler.next());
  });
});

describe('byte tokens, one example per line', () => {
  it('split at line feeds, trim ASCII space, keep every other byte', () => {
    const lines = ['  alpha\r', 'b\u00e9ta', '', '\tgamma ', ...'defghijkl'].join('\n');
    const bytes = new Uint8Array([...utf8(lines), 0x0a, 0xff, 0x41]);
    const data = buildByteLines(bytes);
    expect(data.tokenizer.vocabSize).toBe(256);
    expect(data.train.boundary).toBe(BYTE_BOUNDARY);
    const docs = [data.train, data.val].flatMap((split) =>
      decodeAll(data.tokenizer, split.tokens)
        .split('\n')
        .filter((d) => d !== ''),
    );
    expect(docs.sort()).toEqual(['alpha', 'béta', 'gamma', ...'defghijkl', '\uFFFDA'].sort());
  });
});

describe('validation in bits per byte', () => {
  it('counts the bytes each target stands for: 2 for é, the separator’s own', () => {
    const config = validateConfig({
      ...presetConfig('gpt-nano'),
      context: 4,
      tokens: 'char',
      separator: 'blank',
    });
    const text = 'é'.repeat(60) + '\n\n' + 'é'.repeat(40);
    const data = buildTextDataset('t', text, config);
    const set = validationSet(data, config);
    // Validation is the last 11 tokens: 2 windows of 4, targets are its tokens 1 to 8.
    expect(set.tokens).toBe(8);
    expect(set.bytes).toBe(16);
    const mark = buildTextDataset('mark.txt', MARK_TEXT, presetConfig('gpt-nano'));
    const markSet = validationSet(mark, presetConfig('gpt-nano'));
    expect(markSet.tokens).toBe(64 * 64);
    expect(markSet.bytes).toBe(markSet.tokens);
  });
});
