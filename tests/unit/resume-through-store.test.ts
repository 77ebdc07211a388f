import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import type { RunRecord } from '../../src/shared/snapshot';
import { persistSnapshot, type SnapshotContext } from '../../workers/snapshot/persist-snapshot';
import { loadDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { captureState, restorePayload } from '../../workers/training/state-capture';
import names from '../../workers/training/names.txt?raw';
import { freshStore } from './store-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const config: RunConfig = { ...DEFAULT_CONFIG, embed: 8, width: 24, batch: 8, context: 3 };

async function snapshot(
  session: TrainingSession,
  ctx: SnapshotContext,
  store: Awaited<ReturnType<typeof freshStore>>['store'],
) {
  const state = captureState(session);
  return persistSnapshot(
    store,
    { state, trigger: 'manual', capturedAt: performance.now(), stallMs: 0, valLoss: null },
    ctx,
  );
}

describe('a run interrupted after a snapshot and resumed from IndexedDB', () => {
  it('reaches bitwise-identical state to the uninterrupted run', async () => {
    const { store } = await freshStore();
    const dataset = await loadDataset('names', names);
    const run: RunRecord = {
      id: 'r1',
      name: 'r1',
      config,
      dataset: dataset.info,
      createdAt: 1,
      latestSnapshotId: null,
    };
    await store.createRun(run);
    const ctx: SnapshotContext = {
      runId: 'r1',
      config,
      dataset: dataset.info,
      backend: 'cpu',
      keepLast: 3,
    };

    const straight = TrainingSession.create(config, dataset.data);
    for (let i = 0; i < 4; i++) await straight.trainStep();
    const atK = await snapshot(straight, ctx, store);
    // The uninterrupted run goes on, and is snapshotted at step n for comparison.
    for (let i = 0; i < 6; i++) await straight.trainStep();
    const atN = await snapshot(straight, ctx, store);
    straight.dispose();

    // "Crash": all that survives is the store. Resume from the snapshot at step k.
    const { payload, skipped } = await store.loadLatestGood('r1', atK.manifest.id);
    expect(skipped).toEqual([]);
    expect(payload.manifest.step).toBe(4);
    const resumed = await restorePayload(config, dataset.data, payload);
    for (let i = 0; i < 6; i++) await resumed.trainStep();
    const again = await snapshot(resumed, ctx, store);
    resumed.dispose();

    const a = await store.loadSnapshot(atN.manifest.id);
    const b = await store.loadSnapshot(again.manifest.id);
    expect(b.manifest.step).toBe(10);
    expect(b.manifest.tensors.map((t) => [t.name, t.sha256])).toEqual(
      a.manifest.tensors.map((t) => [t.name, t.sha256]),
    );
    b.data.forEach((bytes, i) => expect(new Uint8Array(bytes)).toEqual(new Uint8Array(a.data[i]!)));
    for (const key of ['cursor', 'prng', 'optimizer', 'metrics'] as const) {
      expect(b.manifest[key]).toEqual(a.manifest[key]);
    }
  });
});
