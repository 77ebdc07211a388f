import { BpeVocabSizeError, ConfigError } from './errors';
import { MAX_BPE_VOCAB, MIN_BPE_VOCAB } from './bpe-settings';
import {
  MAX_SEPARATOR_LENGTH,
  SEPARATOR_NONE,
  TEXT_MODES,
  TOKENS_KINDS,
  type TextMode,
  type TokensKind,
} from './text-mode';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets';
import { NUMERIC_KEYS, boundOf } from './config-bounds';
import {
  CORPUS_KINDS,
  DEFAULT_CONFIG,
  MODELS,
  SCHEDULES,
  withLegacyKeys,
  type CorpusKind,
  type RunConfig,
  type SnapshotPolicy,
} from './run-config';

// A config's shape and defaults (run-config.ts) and bounds (config-bounds.ts) are imported from
// here by page and worker alike; this file validates (config-params.ts reads and writes URLs).
export * from './run-config';
export * from './config-bounds';

/** Checks a snapshot policy's numbers; the page's form and the URL both go through it. */
export function validatePolicy(policy: SnapshotPolicy): SnapshotPolicy {
  if (policy.kind === 'fixed') {
    const s = policy.seconds;
    if (!Number.isFinite(s) || s < 1 || s > 3600) {
      throw new ConfigError(`The snapshot interval must be between 1 and 3600 seconds, got ${s}.`);
    }
  } else {
    const m = policy.mtbiSeconds;
    if (!Number.isFinite(m) || m < 10 || m > 30 * 86400) {
      throw new ConfigError(
        `The expected time between interruptions must be between 10 s and 30 days, got ${m} s.`,
      );
    }
  }
  return policy;
}

/** `a, b or c`, for the messages that list choices. */
export function listChoices(choices: readonly string[]): string {
  return choices.length < 2
    ? choices.join('')
    : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`Unknown ${key} "${String(value)}": choose ${listChoices(allowed)}.`);
  }
  return value as T;
}

/** Checks every field and returns a clean copy; throws ConfigError naming the bad field. */
export function validateConfig(input: unknown): RunConfig {
  if (typeof input !== 'object' || input === null) {
    throw new ConfigError('The run config must be an object.');
  }
  const raw = withLegacyKeys(input as Record<string, unknown>);
  // The key order here is the order a config's JSON has: format-3 files keep theirs.
  const model = oneOf('model', raw['model'], MODELS);
  const schedule = oneOf('schedule', raw['schedule'], SCHEDULES);
  const tokens = oneOf('tokens', raw['tokens'], TOKENS_KINDS);
  const text = oneOf('text', raw['text'], TEXT_MODES);
  const separator = raw['separator'];
  if (
    typeof separator !== 'string' ||
    separator.length === 0 ||
    separator.length > MAX_SEPARATOR_LENGTH
  ) {
    throw new ConfigError(
      `Config "separator" must be none, blank or a literal of 1 to ${MAX_SEPARATOR_LENGTH} characters, got ${JSON.stringify(separator)}.`,
    );
  }
  const out: Record<string, unknown> = { model, schedule, tokens, text, separator };
  for (const key of NUMERIC_KEYS) {
    const value = raw[key];
    const { min, max, integer } = boundOf(model, key);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ConfigError(`Config "${key}" must be a number, got ${JSON.stringify(value)}.`);
    }
    if (integer && !Number.isInteger(value)) {
      throw new ConfigError(`Config "${key}" must be a whole number, got ${value}.`);
    }
    if (value < min || value > max) {
      throw new ConfigError(`Config "${key}" must be between ${min} and ${max}, got ${value}.`);
    }
    out[key] = value;
  }
  const bpeVocab = bpeVocabSize(tokens, text, raw['vocabSize']);
  if (bpeVocab !== null) out['vocabSize'] = bpeVocab;
  const corpus = corpusKind(tokens, text, raw['corpus']);
  if (corpus !== null) out['corpus'] = corpus;
  const config = out as unknown as RunConfig;
  checkShape(config);
  checkSchedule(config);
  return config;
}

/**
 * tokens=bpe needs prose and a vocabSize in range; other tokens take none (their vocabulary
 * follows the text), so a stray vocabSize is refused rather than silently ignored.
 */
function bpeVocabSize(tokens: TokensKind, text: TextMode, value: unknown): number | null {
  if (tokens !== 'bpe') {
    if (value === undefined) return null;
    throw new ConfigError(
      `Config "vocabSize" sizes a learned BPE (tokens=bpe); with tokens=${tokens} the ` +
        `vocabulary follows the text. Remove vocabSize or set tokens=bpe.`,
    );
  }
  if (text !== 'prose') {
    throw new ConfigError(
      'A BPE (tokens=bpe) is learned on prose: set text=prose, or choose char or byte tokens.',
    );
  }
  const size = typeof value === 'number' ? value : NaN;
  if (!Number.isInteger(size) || size < MIN_BPE_VOCAB || size > MAX_BPE_VOCAB) {
    throw new BpeVocabSizeError(size);
  }
  return size;
}

/** corpus=shards streams prose to token shards: byte or BPE tokens (ids fixed before reading). */
function corpusKind(tokens: TokensKind, text: TextMode, value: unknown): CorpusKind | null {
  if (value === undefined) return null;
  const kind = oneOf('corpus', value, CORPUS_KINDS);
  if (text !== 'prose' || tokens === 'char') {
    throw new ConfigError(
      'Config "corpus=shards" streams prose into byte or BPE token shards: set text=prose and ' +
        'tokens=byte or tokens=bpe, or remove corpus.',
    );
  }
  return kind;
}

function checkShape(config: RunConfig): void {
  if (config.model !== 'mlp' && config.embed % config.heads !== 0) {
    throw new ConfigError(
      `The ${config.model}'s embed (${config.embed}) must be a multiple of heads (${config.heads}): ` +
        `each head takes embed / heads of the width. Change one of them.`,
    );
  }
  if (config.model !== 'gpt' && config.dropout !== 0) {
    throw new ConfigError(`Config "dropout" applies to gpt only: set it to 0 or choose model gpt.`);
  }
  if (config.model !== 'gpt' && config.tie !== 0) {
    throw new ConfigError(
      `Config "tie" ties gpt's output layer to its token embedding: set it to 0 or choose model gpt.`,
    );
  }
  if (config.text === 'lines' && config.separator !== SEPARATOR_NONE) {
    throw new ConfigError(
      `Config "separator" splits prose into documents; with text=lines every line is one. ` +
        `Set separator=none or text=prose.`,
    );
  }
}

function checkSchedule(config: RunConfig): void {
  if (config.minLr > config.lr) {
    throw new ConfigError(
      `Config "minLr" (${config.minLr}) must not exceed the learning rate (${config.lr}).`,
    );
  }
  if (config.schedule !== 'cosine') return;
  const end = config.decaySteps > 0 ? config.decaySteps : config.steps;
  if (end === 0) {
    throw new ConfigError(
      'The cosine schedule needs an end: set "decaySteps" or a step budget ("steps").',
    );
  }
  if (end <= config.warmup) {
    throw new ConfigError(
      `Config "decaySteps" (or the step budget, ${end}) must be after the warm-up of ${config.warmup} steps.`,
    );
  }
}

/** A preset's whole config: the defaults under the preset's values. */
export function presetConfig(name: string): RunConfig {
  const preset = PRESETS[name as PresetName];
  if (preset === undefined) {
    throw new ConfigError(`Unknown preset "${name}": choose ${listChoices(PRESET_NAMES)}.`);
  }
  return { ...DEFAULT_CONFIG, ...preset };
}
