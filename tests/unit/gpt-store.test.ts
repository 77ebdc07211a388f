import { beforeAll, describe, expect, it } from 'vitest';
import { batchNumber } from '../../src/shared/data-cursor';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { trainingExamples } from '../../workers/training/text-dataset';
import { MARK_TEXT, MICRO_GPT_SIZE, TINY_GPT } from './gpt-fixtures';
import { GuardedRun } from './guard-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** A gpt on the bytes of Mark, dropout and AdamW on, small enough for the CPU backend. */
const CONFIG: RunConfig = validateConfig({
  ...TINY_GPT,
  ...MICRO_GPT_SIZE,
  dropout: 0.1,
  separator: 'blank',
  rewindMargin: 5,
});
const MARK = { name: 'mark.txt', text: MARK_TEXT };

async function expectSameState(
  actual: SnapshotManifest,
  expected: SnapshotManifest,
  a: readonly ArrayBuffer[],
  b: readonly ArrayBuffer[],
) {
  expect(actual.tensors.map((t) => [t.name, t.sha256])).toEqual(
    expected.tensors.map((t) => [t.name, t.sha256]),
  );
  a.forEach((bytes, i) => expect(new Uint8Array(bytes)).toEqual(new Uint8Array(b[i]!)));
  for (const key of ['cursor', 'prng', 'optimizer', 'metrics'] as const) {
    expect(actual[key]).toEqual(expected[key]);
  }
}

describe('a gpt run on byte prose, through the app’s loop, snapshotter and store', () => {
  it('killed and resumed from IndexedDB equals the uninterrupted run, dropout on', async () => {
    const straight = await GuardedRun.create(CONFIG, 5, MARK);
    await straight.train((_, session) => session.step >= 14);
    const expected = await straight.finalSnapshot();

    const broken = await GuardedRun.create(CONFIG, 5, MARK);
    await broken.train((_, session) => session.step >= 12);
    await broken.crashAndResume();
    expect(broken.session.step).toBe(10);
    await broken.train((_, session) => session.step >= 14);
    const actual = await broken.finalSnapshot();
    expect(actual.manifest.step).toBe(14);
    await expectSameState(actual.manifest, expected.manifest, actual.data, expected.data);
    straight.dispose();
    broken.dispose();
  });

  it('rewinds a poisoned batch past its prose windows, and resumes that exactly too', async () => {
    const straight = await GuardedRun.create(CONFIG, 5, MARK);
    straight.poisonAfter.add(12);
    // The spike at step 13 (batch 12) goes back to the snapshot at 5 (margin 5: 10 is too near)
    // and skips batches 5 to 12; from step 5 the run trains on batches 13, 14, 15.
    await straight.train((taken) => taken >= 16);
    const [event] = straight.rewindEvents();
    expect(event?.rewind).toMatchObject({
      spikeStep: 13,
      toStep: 5,
      skipped: { fromBatch: 5, toBatch: 13 },
    });
    const { session } = straight;
    expect(session.step).toBe(8);
    const size = trainingExamples(session.dataset, CONFIG.context);
    expect(session.sampler.lastBatch).toBe(15);
    expect(batchNumber(session.sampler.position(), size, CONFIG.batch)).toBe(16);
    await straight.train((_, s) => s.step >= 12);
    const expected = await straight.finalSnapshot();

    const broken = await GuardedRun.create(CONFIG, 5, MARK);
    broken.poisonAfter.add(12);
    await broken.train((_, s) => s.step >= 11 && s.guard.rewinds.length === 1);
    await broken.crashAndResume();
    expect(broken.session.step).toBe(10);
    expect(broken.session.guard.skips).toEqual([{ fromBatch: 5, toBatch: 13 }]);
    await broken.train((_, s) => s.step >= 12);
    const actual = await broken.finalSnapshot();
    await expectSameState(actual.manifest, expected.manifest, actual.data, expected.data);
    straight.dispose();
    broken.dispose();
  });
});
