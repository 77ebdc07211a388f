import type { RunConfig } from '../../src/shared/config';
import { ContextTooLongError, TextEmptyError, TextTooLargeError } from '../../src/shared/errors';
import { maxTextBytes, parseSeparator } from '../../src/shared/text-mode';
import { buildByteLines, buildDataset, splitDocuments, type LinesDataset } from './dataset';
import type { BpeModel } from './bpe/bpe-model';
import { buildProse, windowStarts, type ProseDataset, type TokenArray } from './prose-data';

/** A run's text, tokenized once: lines (examples) or prose (one stream of windows). */
export type TextDataset = LinesDataset | ProseDataset;
/** A text tokenized in memory: prose's streams are arrays. */
export type MemoryTextDataset = LinesDataset | ProseDataset<TokenArray>;

/** The config's keys that decide how a text is read. */
export type TextSettings = Pick<RunConfig, 'tokens' | 'text' | 'separator' | 'vocabSize'>;

/** How the app has always read a text: characters, one example per line. */
export const LINES_OF_CHARS: TextSettings = { tokens: 'char', text: 'lines', separator: 'none' };

/**
 * Tokenizes a text as the settings say. The text arrives as a string (UTF-8 encoded here, as
 * its hash is taken) or as the file's bytes, which byte tokens train on as they are, invalid
 * UTF-8 included. Refuses, by name, a text over its mode's limit or with nothing to train on.
 */
export function buildTextDataset(
  name: string,
  source: string | Uint8Array,
  settings: TextSettings,
  /** tokens=bpe: the run's stored BPE; null learns one on the text. */
  bpe: BpeModel | null = null,
): MemoryTextDataset {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  const limit = maxTextBytes(settings.text);
  if (bytes.length > limit) {
    throw new TextTooLargeError({ name, bytes: bytes.length, limit, mode: settings.text });
  }
  if (settings.text === 'prose') {
    const separator = parseSeparator(settings.separator);
    const prose = buildProse(name, bytes, settings.tokens, separator, settings.vocabSize, bpe);
    if (prose.train.length + prose.val.length === 0) throw new TextEmptyError(name, 'prose');
    return prose;
  }
  const text =
    typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (splitDocuments(text).length === 0) throw new TextEmptyError(name, 'lines');
  return settings.tokens === 'byte' ? buildByteLines(bytes) : buildDataset(text);
}

/** Examples the data order draws from: lines' targets, or prose's window starts. */
export function trainingExamples(data: TextDataset, context: number): number {
  return data.kind === 'lines'
    ? data.train.targets.length
    : windowStarts(data.train.length, context);
}

/** A prose window needs context + 1 tokens in each part of the stream. */
export function checkContextFits(name: string, config: RunConfig, data: TextDataset): void {
  if (data.kind !== 'prose') return;
  for (const [part, stream] of [
    ['training', data.train],
    ['validation', data.val],
  ] as const) {
    if (windowStarts(stream.length, config.context) < 1) {
      throw new ContextTooLongError({ name, context: config.context, part, tokens: stream.length });
    }
  }
}
