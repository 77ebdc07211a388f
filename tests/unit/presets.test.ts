import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  LEGACY_TEXT_MODEL,
  presetConfig,
  validateConfig,
  withLegacyKeys,
} from '../../src/shared/config';
import { configFromParams, configToParams } from '../../src/shared/config-params';
import { parameterCount } from '../../src/shared/model-spec';
import { PRESET_NAMES } from '../../src/shared/presets';
import { vocabSize } from '../../src/shared/text-mode';

const params = (query: string) => configFromParams(new URLSearchParams(query)).config;

describe('gpt presets', () => {
  it("gpt-nano is TinyGPT's small model: 366,432 parameters with byte tokens", () => {
    const nano = presetConfig('gpt-nano');
    expect(nano).toMatchObject({
      model: 'gpt',
      tokens: 'byte',
      text: 'prose',
      embed: 96,
      layers: 3,
      heads: 3,
      width: 384,
      context: 64,
      batch: 16,
      tie: 1,
      beta1: 0.9,
      beta2: 0.95,
      weightDecay: 0.1,
      clip: 1,
    });
    expect(vocabSize(nano, '')).toBe(256);
    expect(parameterCount(nano, 256)).toBe(366_432);
  });

  it('gpt-micro is about 3M and gpt-mini about 15M parameters, context 256', () => {
    expect(parameterCount(presetConfig('gpt-micro'), 256)).toBe(3_257_856);
    const mini = presetConfig('gpt-mini');
    expect(mini.context).toBe(256);
    expect(parameterCount(mini, 256)).toBe(14_393_088);
  });

  it('counts the untied head and a separator token', () => {
    const nano = presetConfig('gpt-nano');
    const untied = { ...nano, tie: 0 };
    // A bias-free head of [96, 256] more; a separator adds one row to the embedding (and head).
    expect(parameterCount(untied, 256) - parameterCount(nano, 256)).toBe(96 * 256);
    const separated = validateConfig({ ...nano, separator: '<|endoftext|>' });
    expect(vocabSize(separated, '')).toBe(257);
    expect(parameterCount(separated, 257) - parameterCount(nano, 256)).toBe(96);
  });

  it('every preset is a valid config and round-trips through the URL', () => {
    for (const name of PRESET_NAMES) {
      const config = presetConfig(name);
      expect(validateConfig(config)).toEqual(config);
      expect(params(`preset=${name}`)).toEqual(config);
      expect(configFromParams(configToParams(config)).config).toEqual(config);
    }
  });
});

describe('the URL keys of issue 18', () => {
  it('model=gpt alone starts from gpt-nano; every key overrides the preset', () => {
    expect(params('model=gpt')).toEqual(presetConfig('gpt-nano'));
    const config = params(
      'preset=gpt-micro&tokens=char&text=prose&separator=blank&weightDecay=0.05&dropout=0.1&tie=0&seed=3',
    );
    expect(config).toEqual({
      ...presetConfig('gpt-micro'),
      tokens: 'char',
      separator: 'blank',
      weightDecay: 0.05,
      dropout: 0.1,
      tie: 0,
      seed: 3,
    });
    expect(params('model=gpt&separator=%3C%7Cendoftext%7C%3E').separator).toBe('<|endoftext|>');
  });

  it("gpt's MLP follows the embedding (4 ×) unless the width is given", () => {
    expect(params('model=gpt&embed=64&heads=4').width).toBe(256);
    expect(params('model=gpt&embed=64&heads=4&width=100').width).toBe(100);
  });

  it('refuses what the model cannot build, naming the field and what to do', () => {
    expect(() => params('model=gpt&embed=100&heads=3')).toThrow(
      /gpt's embed \(100\) must be a multiple of heads \(3\).*Change one of them/,
    );
    expect(() => params('preset=gpt-huge')).toThrow(
      /Unknown preset "gpt-huge": choose gpt-nano, gpt-micro or gpt-mini/,
    );
    expect(() => params('tokens=word')).toThrow(/Unknown tokens "word": choose char, byte or bpe/);
    expect(() => params('text=poem')).toThrow(/Unknown text "poem": choose lines or prose/);
    expect(() => params('model=transformer&dropout=0.1')).toThrow(/"dropout" applies to gpt only/);
    expect(() => params('tie=1')).toThrow(/"tie" ties gpt's output layer/);
    expect(() => params('separator=blank')).toThrow(/with text=lines every line is one/);
    expect(() => params('model=gpt&dropout=0.95')).toThrow(/"dropout" must be between 0 and 0.9/);
    expect(() => params(`model=gpt&separator=${'x'.repeat(65)}`)).toThrow(/1 to 64 characters/);
    // gpt goes deeper and longer than the small models, which keep their bounds.
    expect(params('model=gpt&layers=12&context=1024').layers).toBe(12);
    expect(() => params('model=transformer&layers=12')).toThrow(/"layers" must be between 1 and 4/);
  });

  it('a config stored before these keys reads as it trained: chars, lines, Adam', () => {
    const stored: Record<string, unknown> = { ...DEFAULT_CONFIG };
    for (const key of Object.keys(LEGACY_TEXT_MODEL)) delete stored[key];
    expect(validateConfig(stored)).toEqual(DEFAULT_CONFIG);
    expect(withLegacyKeys(stored)).toMatchObject({
      tokens: 'char',
      text: 'lines',
      separator: 'none',
      weightDecay: 0,
      dropout: 0,
      tie: 0,
      beta1: 0.9,
      beta2: 0.999,
    });
  });
});
