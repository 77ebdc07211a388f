import { describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { buildTextDataset } from '../../workers/training/text-dataset';
import { textCodec } from '../../workers/training/text-codec';
import { TINY_GPT } from './gpt-fixtures';

const TEXT =
  'In the beginning\r\nwas the Word.\n\n\nAnd the Word<|endoftext|>was with God.\nÿ 名前\n\nend';
const refuse = (char: string) => new Error(`unreadable ${char}`);

function prose(tokens: 'byte' | 'char', separator: string): RunConfig {
  return validateConfig({ ...TINY_GPT, context: 4, tokens, separator });
}

describe("a run's codec reads text as its training data was read", () => {
  it.each([
    ['byte', 'none'],
    ['byte', 'blank'],
    ['byte', '<|endoftext|>'],
    ['char', 'none'],
    ['char', 'blank'],
    ['char', '<|endoftext|>'],
  ] as const)(
    '%s tokens, separator %s: the whole text encodes to the training stream',
    (tokens, separator) => {
      const config = prose(tokens, separator);
      const data = buildTextDataset('t.txt', TEXT, config);
      if (data.kind !== 'prose') throw new Error('prose expected');
      const codec = textCodec(config, data.vocab);
      expect(codec.encode(TEXT, refuse)).toEqual([...data.train, ...data.val]);
      expect(codec.tokenizer.vocabSize).toBe(data.tokenizer.vocabSize);
      const lineBreak = tokens === 'byte' ? 10 : data.vocab.indexOf('\n');
      expect(codec.start).toBe(data.tokenizer.separatorId ?? lineBreak);
      expect(codec.end).toBeNull();
      expect(codec.growing).toBe(true);
    },
  );

  it('lines: the boundary starts and ends a line; a line break or an unknown character is refused', () => {
    const config = validateConfig({
      ...TINY_GPT,
      text: 'lines',
      separator: 'none',
      tokens: 'char',
    });
    const data = buildTextDataset('t.txt', 'anna\nbob\n'.repeat(10), config);
    const codec = textCodec(config, data.vocab);
    expect(codec.start).toBe(0);
    expect(codec.end).toBe(0);
    expect(codec.growing).toBe(false);
    expect(codec.encode('nab', refuse)).toEqual(['n', 'a', 'b'].map((c) => data.vocab.indexOf(c)));
    expect(() => codec.encode('an\nna', refuse)).toThrow('unreadable \n');
    expect(() => codec.encode('anz', refuse)).toThrow('unreadable z');
    const bytes = textCodec({ ...config, tokens: 'byte' }, []);
    expect([bytes.start, bytes.end]).toEqual([10, 10]);
    expect(bytes.encode('zoë', refuse)).toEqual([0x7a, 0x6f, 0xc3, 0xab]);
  });
});
