import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import { buildTextDataset, type TextDataset } from '../../workers/training/text-dataset';

/**
 * The Gospel of Mark in the World English Bible (public domain; tests/fixtures/text/README.md):
 * 77 KB of English prose, paragraphs separated by blank lines.
 */
export const MARK_TEXT = readFileSync(resolve(__dirname, '../fixtures/text/mark.txt'), 'utf8');

/** gpt-nano's settings at a size the CPU backend trains in seconds. */
export const TINY_GPT: RunConfig = validateConfig({
  ...presetConfig('gpt-nano'),
  embed: 32,
  width: 128,
  layers: 2,
  heads: 2,
  context: 32,
  batch: 8,
  lr: 3e-3,
  warmup: 20,
  seed: 4,
});

/** Half TINY_GPT's width and context: the size the CPU backend's slower gpt tests train at. */
export const MICRO_GPT_SIZE = { embed: 16, width: 64, heads: 2, context: 16, batch: 4 } as const;

export function proseOf(config: RunConfig, text = MARK_TEXT): TextDataset {
  return buildTextDataset('mark.txt', text, config);
}
