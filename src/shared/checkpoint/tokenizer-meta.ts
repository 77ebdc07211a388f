import type { RunConfig } from '../config';
import { SEPARATOR_NONE, parseSeparator, separatorDisplay, vocabSize } from '../text-mode';

/**
 * Format 4's `tokenizer` metadata: what a run's token ids mean, for programs that do not know
 * the config's keys (see format-version.ts). Derived from the config and the dataset's alphabet,
 * so an import checks it rather than trusting it. Lines: the boundary is id 0 (`\n`, char
 * tokens) or the line feed byte 10. Prose: the separator is the last id.
 */
export function describeTokenizer(config: RunConfig, alphabet: string): string {
  const size = vocabSize(config, alphabet);
  const lines = config.text === 'lines';
  const separator =
    !lines && config.separator !== SEPARATOR_NONE
      ? { id: size - 1, text: separatorDisplay(parseSeparator(config.separator)) }
      : null;
  return JSON.stringify({
    kind: config.tokens,
    vocabSize: size,
    text: config.text,
    boundary: lines ? (config.tokens === 'byte' ? 10 : 0) : null,
    separator,
  });
}
