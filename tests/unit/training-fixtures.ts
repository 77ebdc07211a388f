import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import { buildDataset } from '../../workers/training/dataset';
import { expect } from 'vitest';
import { TrainingSession } from '../../workers/training/session';
import type { TextDataset } from '../../workers/training/text-dataset';
import {
  captureState,
  disposeCaptured,
  restoreSession,
  tensorBytes,
  type TensorData,
} from '../../workers/training/state-capture';
import names from '../../workers/training/names.txt?raw';

export const dataset = buildDataset(names);

export const tinyMlp: RunConfig = {
  ...DEFAULT_CONFIG,
  embed: 8,
  width: 32,
  batch: 16,
  context: 3,
  lr: 0.01,
};

export const tinyTransformer: RunConfig = {
  ...tinyMlp,
  model: 'transformer',
  embed: 16,
  width: 32,
  heads: 2,
  layers: 2,
  context: 6,
};

/** The session's whole state read back now, as a snapshot would hold it. */
export async function snapshotOf(session: TrainingSession) {
  const captured = captureState(session);
  const tensors: TensorData[] = [];
  for (const [name, tensor] of captured.tensors) {
    const data = (await tensorBytes(tensor)).slice(0);
    tensors.push({ name, dtype: tensor.dtype as 'float32' | 'int32', shape: tensor.shape, data });
  }
  disposeCaptured(captured);
  return { host: captured.host, tensors };
}

export function bytesOf(tensors: readonly TensorData[]): Map<string, Uint8Array> {
  return new Map(tensors.map((t) => [t.name, new Uint8Array(t.data)]));
}

export async function train(session: TrainingSession, steps: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(await session.trainStep());
  return losses;
}

/**
 * Trains 40 steps of a fresh session on the current backend: the loss starts near ln(vocab) and
 * its last five steps average at least 0.3 below its first five.
 */
export async function expectLossFalls(config: RunConfig): Promise<void> {
  const session = TrainingSession.create(config, dataset);
  const losses = await train(session, 40);
  const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
  expect(first).toBeGreaterThan(Math.log(dataset.vocab.length) - 0.5);
  expect(last).toBeLessThan(first - 0.3);
  session.dispose();
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
  expect(resumed.step).toBe(5);
  const resumedLosses = await train(resumed, 7);
  const actual = await snapshotOf(resumed);
  expect(resumedLosses).toEqual(straightLosses);
  // trainingMs is wall-clock time; everything else must match exactly.
  expect({ ...actual.host, trainingMs: 0 }).toEqual({ ...expected.host, trainingMs: 0 });
  const want = bytesOf(expected.tensors);
  const got = bytesOf(actual.tensors);
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, bytes] of want) expect(got.get(name), name).toEqual(bytes);
  straight.dispose();
  resumed.dispose();
}
