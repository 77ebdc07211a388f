import { DEFAULT_BPE_VOCAB } from './bpe-settings';
import {
  BACKENDS,
  DEFAULT_CONFIG,
  DEFAULT_SETTINGS,
  NUMERIC_KEYS,
  WORD_KEYS,
  presetConfig,
  validateConfig,
  validatePolicy,
  type BackendName,
  type RunConfig,
  type SessionSettings,
} from './config';
import { ConfigError } from './errors';
import { DEFAULT_GPT_PRESET } from './presets';

// A run config in the page's URL: read at boot, written when a run is shown (so a reload or a
// shared link starts the same run's settings).

/**
 * Reads a run config and session settings from URL parameters. The base is the defaults, or
 * a preset (`preset=gpt-nano`, also what `model=gpt` alone starts from); every key given
 * overrides it. For gpt, a width not given follows the embedding: 4 × embed, as in GPT-2.
 */
export function configFromParams(params: URLSearchParams): {
  config: RunConfig;
  settings: SessionSettings;
} {
  const presetName = params.get('preset');
  const base =
    presetName !== null
      ? presetConfig(presetName)
      : params.get('model') === 'gpt'
        ? presetConfig(DEFAULT_GPT_PRESET)
        : DEFAULT_CONFIG;
  const merged: Record<string, unknown> = { ...base };
  for (const key of WORD_KEYS) {
    const text = params.get(key);
    if (text !== null) merged[key] = text;
  }
  for (const key of NUMERIC_KEYS) {
    const text = params.get(key);
    if (text !== null) merged[key] = text.trim() === '' ? NaN : Number(text);
  }
  const vocab = params.get('vocabSize');
  if (vocab !== null) merged['vocabSize'] = vocab.trim() === '' ? NaN : Number(vocab);
  else if (merged['tokens'] === 'bpe') merged['vocabSize'] = DEFAULT_BPE_VOCAB;
  const corpus = params.get('corpus');
  if (corpus !== null) merged['corpus'] = corpus;
  if (merged['model'] === 'gpt' && params.get('width') === null && params.get('embed') !== null) {
    merged['width'] = 4 * Number(merged['embed']);
  }
  const backend = params.get('backend');
  if (backend !== null && !BACKENDS.includes(backend as BackendName)) {
    throw new ConfigError(`Unknown backend "${backend}": use webgpu, webgl, wasm or cpu.`);
  }
  const fixed = params.get('snapshotSeconds');
  const mtbi = params.get('mtbiSeconds');
  const snapshot = validatePolicy(
    fixed !== null
      ? { kind: 'fixed', seconds: Number(fixed) }
      : mtbi !== null
        ? { kind: 'auto', mtbiSeconds: Number(mtbi) }
        : DEFAULT_SETTINGS.snapshot,
  );
  return {
    config: validateConfig(merged),
    settings: { backend: (backend as BackendName | null) ?? null, snapshot },
  };
}

export function configToParams(config: RunConfig): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of WORD_KEYS) params.set(key, config[key]);
  for (const key of NUMERIC_KEYS) params.set(key, String(config[key]));
  if (config.vocabSize !== undefined) params.set('vocabSize', String(config.vocabSize));
  if (config.corpus !== undefined) params.set('corpus', config.corpus);
  return params;
}
