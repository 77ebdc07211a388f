import { beforeAll, describe, expect, it } from 'vitest';
import { batchNumber } from '../../src/shared/data-cursor';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import { judgeStep } from '../../workers/training/divergence-guard';
import { trainingExamples } from '../../workers/training/text-dataset';
import { GUARD_CONFIG, GuardedRun } from './guard-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('judging a step', () => {
  const step = (loss: number, gradNorm = 1, at = 20) => ({ step: at, loss, gradNorm, lr: 0.01 });
  const history = Array.from({ length: 19 }, (_, i) => [i + 1, i < 9 ? 100 : 2] as const);

  it('takes a non-finite loss or norm, and a loss above k × the window mean, as a spike', () => {
    expect(judgeStep(GUARD_CONFIG, step(NaN), history)?.reason).toBe('non-finite');
    expect(judgeStep(GUARD_CONFIG, step(2, Infinity), history)?.reason).toBe('non-finite');
    // The window is the last 10 losses (all 2): 6.01 > 3 × 2, 5.99 is not.
    expect(judgeStep(GUARD_CONFIG, step(6.01), history)).toEqual({ reason: 'loss-ratio', mean: 2 });
    expect(judgeStep(GUARD_CONFIG, step(5.99), history)).toBeNull();
  });

  it('judges no ratio during its warm-up, and nothing when turned off', () => {
    expect(judgeStep({ ...GUARD_CONFIG, guardWarmup: 20 }, step(50), history)).toBeNull();
    expect(judgeStep({ ...GUARD_CONFIG, guard: 0 }, step(NaN), history)).toBeNull();
  });
});

describe('a poisoned batch', () => {
  it('is rewound once, to the newest snapshot at least the margin before it, and skipped', async () => {
    const run = await GuardedRun.create(GUARD_CONFIG);
    run.poisonAfter.add(22);
    // 26 steps: the spike at 23 goes back to 15, then steps 16 to 18.
    expect(await run.train((taken) => taken >= 26)).toBeNull();

    const rewinds = run.rewindEvents();
    expect(rewinds).toHaveLength(1);
    const [{ rewind }] = rewinds as [(typeof rewinds)[number]];
    const snapshots = await run.store.listSnapshots(run.run.id);
    const byStep = (step: number, trigger: string) =>
      snapshots.find((s) => s.step === step && s.trigger === trigger) as SnapshotManifest;
    // Snapshots at 5, 10, 15, 20; the spike at 23 with a margin of 5 goes back to 15.
    expect(rewind).toMatchObject({
      spikeStep: 23,
      reason: 'non-finite',
      toStep: 15,
      toSnapshotId: byStep(15, 'manual').id,
      skipped: { fromBatch: 15, toBatch: 23 },
    });
    // The rewound state was committed at once, with its skip list, on the line of step 15.
    const committed = byStep(15, 'rewind');
    expect(committed.parentId).toBe(rewind.toSnapshotId);
    expect(committed.guard?.skips).toEqual([{ fromBatch: 15, toBatch: 23 }]);
    // Nothing after the spike was snapshotted before the rewind: the old line ends at 20.
    const oldLine = snapshots.filter((s) => s.createdAt < committed.createdAt);
    expect(Math.max(...oldLine.map((s) => s.step))).toBe(20);

    expect(await run.train((taken) => taken >= 22)).toBeNull();
    // 48 steps taken, 8 of them undone: the run stands at step 40, and its data went past the
    // window: 40 batches used, from batch 0 to 47.
    const { session } = run;
    expect(session.step).toBe(40);
    const size = trainingExamples(session.dataset, GUARD_CONFIG.context);
    expect(batchNumber(session.sampler.position(), size, GUARD_CONFIG.batch)).toBe(48);
    // Training went on and the loss recovered: finite, and well below where it started.
    const losses = session.train.map(([, loss]) => loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
    expect(session.train.map(([step]) => step)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    run.dispose();
  });

  it('with the guard off, poisons the run for good', async () => {
    const run = await GuardedRun.create({ ...GUARD_CONFIG, guard: 0 });
    run.poisonAfter.add(22);
    await run.train((taken) => taken >= 26);
    expect(run.rewindEvents()).toHaveLength(0);
    expect(run.session.train.slice(-3).every(([, loss]) => Number.isNaN(loss))).toBe(true);
    run.dispose();
  });
});

describe('a run that rewound once, then was killed and resumed', () => {
  it('is bitwise identical to the same run uninterrupted', async () => {
    const straight = await GuardedRun.create(GUARD_CONFIG);
    straight.poisonAfter.add(22);
    await straight.train((taken) => taken >= 48);
    const expected = await straight.finalSnapshot();

    const broken = await GuardedRun.create(GUARD_CONFIG);
    broken.poisonAfter.add(22);
    // Killed at step 32 of the line after the rewind (the snapshot at step 30 is its newest).
    await broken.train((_, session) => session.step >= 32 && session.guard.rewinds.length === 1);
    await broken.crashAndResume();
    expect(broken.session.step).toBe(30);
    expect(broken.session.guard.skips).toEqual([{ fromBatch: 15, toBatch: 23 }]);
    await broken.train((_, session) => session.step >= 40);
    const actual = await broken.finalSnapshot();

    expect(actual.manifest.step).toBe(40);
    expect(actual.manifest.tensors.map((t) => [t.name, t.sha256])).toEqual(
      expected.manifest.tensors.map((t) => [t.name, t.sha256]),
    );
    actual.data.forEach((bytes, i) =>
      expect(new Uint8Array(bytes)).toEqual(new Uint8Array(expected.data[i]!)),
    );
    for (const key of ['cursor', 'prng', 'optimizer', 'metrics'] as const) {
      expect(actual.manifest[key]).toEqual(expected.manifest[key]);
    }
    // Same rewind, same skips; only the id of the snapshot rewound to differs between stores.
    const strip = (m: SnapshotManifest) => ({
      ...m.guard,
      rewinds: m.guard?.rewinds.map((r) => ({ ...r, toSnapshotId: '' })),
    });
    expect(strip(actual.manifest)).toEqual(strip(expected.manifest));
    straight.dispose();
    broken.dispose();
  });
});

describe('a learning rate of 10', () => {
  it('rewinds 3 times, then stops the run with DivergenceError and keeps every snapshot', async () => {
    const run = await GuardedRun.create({ ...GUARD_CONFIG, lr: 10 });
    const end = await run.train((taken) => taken >= 200);
    expect(end).toMatchObject({
      reason: 'error',
      error: {
        name: 'DivergenceError',
        message: expect.stringMatching(/diverged 3 times.*lower learning rate \(now 10\)/),
      },
    });
    expect(run.rewindEvents().map((e) => e.rewinds)).toEqual([1, 2, 3]);
    expect(run.session.step).toBe(0);
    // Every snapshot made is there and verifies: the first and the three rewound states.
    const snapshots = await run.store.listSnapshots(run.run.id);
    expect(snapshots.map((s) => s.trigger).sort()).toEqual([
      'initial',
      'rewind',
      'rewind',
      'rewind',
    ]);
    for (const s of snapshots) await expect(run.store.loadSnapshot(s.id)).resolves.toBeTruthy();
    const { payload, skipped } = await run.store.loadLatestGood(run.run.id);
    expect(skipped).toEqual([]);
    expect(payload.manifest.guard?.rewinds).toHaveLength(3);
    run.dispose();
  });
});
