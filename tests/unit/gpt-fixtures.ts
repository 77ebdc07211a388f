import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import { TrainingSession } from '../../workers/training/session';
import { restoreSession } from '../../workers/training/state-capture';
import { buildTextDataset, type TextDataset } from '../../workers/training/text-dataset';
import { bytesOf, snapshotOf, train } from './training-fixtures';

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

export function proseOf(config: RunConfig, text = MARK_TEXT): TextDataset {
  return buildTextDataset('mark.txt', text, config);
}

/**
 * Trains `config` 5 steps, snapshots, trains 7 more; a session restored from the snapshot
 * trains the same 7 steps to the same losses and the same bytes of every tensor, host state
 * included (wall-clock time aside). `resumedData` is the text as the resumed process tokenizes
 * it again (by default the same object).
 */
export async function expectExactResume(
  config: RunConfig,
  data: TextDataset,
  resumedData: TextDataset = data,
): Promise<void> {
  const straight = TrainingSession.create(config, data);
  await train(straight, 5);
  const saved = await snapshotOf(straight);
  const straightLosses = await train(straight, 7);
  const expected = await snapshotOf(straight);

  const resumed = await restoreSession(config, resumedData, saved.host, saved.tensors);
  const resumedLosses = await train(resumed, 7);
  const actual = await snapshotOf(resumed);
  expect(resumedLosses).toEqual(straightLosses);
  expect({ ...actual.host, trainingMs: 0 }).toEqual({ ...expected.host, trainingMs: 0 });
  const want = bytesOf(expected.tensors);
  const got = bytesOf(actual.tensors);
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, bytes] of want) expect(got.get(name), name).toEqual(bytes);
  straight.dispose();
  resumed.dispose();
}
