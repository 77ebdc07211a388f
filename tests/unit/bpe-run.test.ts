import { describe, expect, it } from 'vitest';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import { configFromParams, configToParams } from '../../src/shared/config-params';
import { DEFAULT_BPE_VOCAB } from '../../src/shared/bpe-settings';
import { BpeVocabSizeError, BpeVocabTooLargeError, ConfigError } from '../../src/shared/errors';
import { vocabSize } from '../../src/shared/text-mode';
import { validationSet } from '../../workers/training/evaluation';
import type { ProseDataset, TokenArray } from '../../workers/training/prose-data';
import { textCodec } from '../../workers/training/text-codec';
import { buildTextDataset } from '../../workers/training/text-dataset';
import { decodeAll } from '../../workers/training/tokenizer';
import { MARK_TEXT, TINY_GPT } from './gpt-fixtures';
import { expectExactResume } from './training-fixtures';

const BPE_GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  tokens: 'bpe',
  vocabSize: 600,
  separator: 'blank',
});
const utf8 = new TextEncoder();

function bpeProse(config: RunConfig, text = MARK_TEXT): ProseDataset<TokenArray> {
  const data = buildTextDataset('mark.txt', text, config);
  if (data.kind !== 'prose' || data.bpe === null) throw new Error('not bpe prose');
  return data;
}
const whole = (data: ProseDataset<TokenArray>) => [...data.train, ...data.val];

describe('config: tokens=bpe and vocabSize', () => {
  it('reads tokens=bpe&vocabSize=N from the URL and writes it back', () => {
    const params = new URLSearchParams('preset=gpt-nano&tokens=bpe&vocabSize=4096&separator=blank');
    const { config } = configFromParams(params);
    expect(config.tokens).toBe('bpe');
    expect(config.vocabSize).toBe(4096);
    expect(configFromParams(configToParams(config)).config).toEqual(config);
    // The model's vocabulary: the BPE's, plus the blank-line separator token.
    expect(vocabSize(config, '')).toBe(4097);
  });

  it('gives tokens=bpe without vocabSize the default size', () => {
    const { config } = configFromParams(new URLSearchParams('preset=gpt-nano&tokens=bpe'));
    expect(config.vocabSize).toBe(DEFAULT_BPE_VOCAB);
  });

  it('writes no vocabSize for other tokens, so their configs are as before', () => {
    const nano = presetConfig('gpt-nano');
    expect('vocabSize' in validateConfig(nano)).toBe(false);
    expect(configToParams(nano).has('vocabSize')).toBe(false);
  });

  it('refuses a vocabSize out of range, stray, or a BPE of lines, by name', () => {
    for (const size of ['511', '32769', '1000.5', '']) {
      const params = new URLSearchParams(`preset=gpt-nano&tokens=bpe&vocabSize=${size}`);
      expect(() => configFromParams(params), size).toThrow(BpeVocabSizeError);
    }
    expect(() => validateConfig({ ...TINY_GPT, vocabSize: 1024 })).toThrow(ConfigError);
    expect(() =>
      validateConfig({
        ...TINY_GPT,
        tokens: 'bpe',
        vocabSize: 1024,
        text: 'lines',
        separator: 'none',
      }),
    ).toThrow(/set text=prose/);
  });
});

describe('a BPE learned on the run text', () => {
  it('fills the vocabulary, keeps separators one token and decodes to the text', () => {
    const data = bpeProse(BPE_GPT);
    const ids = whole(data);
    expect(data.tokenizer.vocabSize).toBe(601);
    expect(data.tokenizer.separatorId).toBe(600);
    expect(Math.max(...ids)).toBe(600);
    expect(ids.filter((id) => id === 600).length).toBe(data.documents - 1);
    // Merges pay: fewer tokens than bytes.
    expect(ids.length).toBeLessThan(utf8.encode(MARK_TEXT).length / 2);
    // Each blank-line run is the separator, shown as one blank line.
    const shown = MARK_TEXT.split(/(?:\r?\n){2,}/).join('\n\n');
    expect(decodeAll(data.tokenizer, ids)).toBe(shown);
  });

  it('counts bits per byte from each token own bytes', () => {
    const data = bpeProse(BPE_GPT);
    const set = validationSet(data, BPE_GPT);
    let bytes = 0;
    for (const { batch } of set.chunks) {
      // A separator stands for the blank line it shows as; a token for its merged bytes.
      for (const id of batch.y) bytes += id === 600 ? 2 : data.bpe!.tokenBytes(id).length;
    }
    expect(set.bytes).toBeGreaterThan(set.tokens);
    expect(set.bytes).toBe(bytes);
  });

  it('learns the same merges from the same text, and different ones from another size', () => {
    const a = bpeProse(BPE_GPT);
    const b = bpeProse(BPE_GPT);
    expect(Array.from(b.bpe!.merges)).toEqual(Array.from(a.bpe!.merges));
    expect(whole(b)).toEqual(whole(a));
    const bigger = bpeProse({ ...BPE_GPT, vocabSize: 700 });
    expect(Array.from(bigger.bpe!.merges.subarray(0, a.bpe!.merges.length))).toEqual(
      Array.from(a.bpe!.merges),
    );
    expect(bigger.tokenizer.vocabSize).toBe(701);
  });

  it('refuses a vocabulary the text cannot fill, by name', () => {
    const short = 'the cat sat on the mat.\n\nthe dog sat on the log.\n\n'.repeat(3);
    expect(() => bpeProse({ ...BPE_GPT, vocabSize: 4096 }, short)).toThrow(BpeVocabTooLargeError);
  });

  it('reads prompts with the learned BPE, as the training text was encoded', () => {
    const data = bpeProse(BPE_GPT);
    const codec = textCodec(BPE_GPT, data.vocab, data.bpe);
    const paragraphs = MARK_TEXT.split(/\n\n+/);
    const prompt = `${paragraphs[1]}\n\n${paragraphs[2]}`;
    const ids = codec.encode(prompt, () => new Error('unreadable'));
    expect(ids).toContain(600);
    expect(decodeAll(codec.tokenizer, ids)).toBe(prompt);
    expect(codec.start).toBe(600);
  });
});

describe('a gpt run on BPE tokens', () => {
  it('resumes bit for bit on CPU, its BPE learned again by the resumed process', async () => {
    await expectExactResume(BPE_GPT, bpeProse(BPE_GPT), bpeProse(BPE_GPT));
  }, 120_000);
});
