import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig } from '../../src/shared/config';
import { configFromParams, configToParams } from '../../src/shared/config-params';

describe('run config', () => {
  it('reads the URL over the defaults and round-trips through it', () => {
    const { config, settings } = configFromParams(
      new URLSearchParams('model=transformer&seed=9&batch=16&lr=0.01&embed=32&heads=4&backend=cpu'),
    );
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      model: 'transformer',
      seed: 9,
      batch: 16,
      lr: 0.01,
      embed: 32,
      heads: 4,
    });
    expect(settings.backend).toBe('cpu');
    expect(configFromParams(configToParams(config)).config).toEqual(config);
  });

  it('names the bad field and the allowed range', () => {
    expect(() => validateConfig({ ...DEFAULT_CONFIG, layers: 9 })).toThrow(
      /"layers" must be between 1 and 4/,
    );
    expect(() => validateConfig({ ...DEFAULT_CONFIG, batch: 2.5 })).toThrow(/whole number/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, model: 'rnn' })).toThrow(
      /Unknown model "rnn"/,
    );
    expect(() =>
      validateConfig({ ...DEFAULT_CONFIG, model: 'transformer', embed: 10, heads: 4 }),
    ).toThrow(/multiple of heads/);
    expect(() => configFromParams(new URLSearchParams('seed='))).toThrow(/"seed" must be a number/);
    expect(() => configFromParams(new URLSearchParams('backend=metal'))).toThrow(/Unknown backend/);
  });
});
