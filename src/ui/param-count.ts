import type { RunConfig } from '../shared/config';
import { parameterCount } from '../shared/model-spec';
import { PRESETS, PRESET_NAMES, type PresetName } from '../shared/presets';
import type { DatasetInfo } from '../shared/snapshot';
import { vocabSize } from '../shared/text-mode';

/** The text a config from the form trains on, as far as the page knows it: the shown run's. */
export interface KnownText {
  readonly config: RunConfig;
  readonly dataset: DatasetInfo;
}

/**
 * A config's vocabulary: 256 bytes or a BPE's vocabSize (and the separator token), or, for
 * character tokens, the alphabet of the shown run's text when that run reads it the same way
 * (the same text mode and separator); null where the alphabet is one the page has not seen.
 */
export function knownVocabSize(config: RunConfig, known: KnownText | null): number | null {
  // Byte and BPE vocabularies follow from the config alone.
  if (config.tokens !== 'char') return vocabSize(config, '');
  if (known === null) return null;
  const read = known.config;
  const same =
    read.tokens === 'char' && read.text === config.text && read.separator === config.separator;
  return same ? vocabSize(config, known.dataset.vocab) : null;
}

/** "366,432", or null where the vocabulary is not known. */
export function parameterText(config: RunConfig, known: KnownText | null): string | null {
  const vocab = knownVocabSize(config, known);
  return vocab === null ? null : parameterCount(config, vocab).toLocaleString('en');
}

/** The preset whose every value the fields hold, or null (custom). */
export function matchingPreset(raw: Readonly<Record<string, unknown>>): PresetName | null {
  return (
    PRESET_NAMES.find((name) =>
      Object.entries(PRESETS[name]).every(([key, value]) => raw[key] === value),
    ) ?? null
  );
}
