import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import { Snapshotter } from '../../workers/snapshot/snapshotter';
import { loadDataset, newRunRecord } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { restorePayload } from '../../workers/training/state-capture';
import names from '../../workers/training/names.txt?raw';
import { freshStore } from './store-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const config: RunConfig = { ...DEFAULT_CONFIG, embed: 8, width: 24, batch: 8, context: 3 };
const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;

describe('a run interrupted after a snapshot and resumed from IndexedDB', () => {
  it('reaches bitwise-identical state to the uninterrupted run', async () => {
    const { store } = await freshStore();
    const dataset = await loadDataset('names', names);
    const run = newRunRecord(config, dataset);
    // The app's own snapshot path: the run is stored with its first snapshot, then more.
    const snapshotter = new Snapshotter(store, () => undefined, NO_TIMER);

    const straight = TrainingSession.create(config, dataset.data);
    snapshotter.attach({ run, dataset, session: straight }, null, null);
    for (let i = 0; i < 4; i++) await straight.trainStep();
    const atK = await snapshotter.first();
    // The uninterrupted run goes on, and is snapshotted at step n for comparison.
    for (let i = 0; i < 6; i++) await straight.trainStep();
    const atN = await snapshotter.request('manual');
    await snapshotter.detach();
    straight.dispose();

    // "Crash": all that survives is the store. Resume from the snapshot at step k.
    const { payload, skipped } = await store.loadLatestGood(run.id, atK.id);
    expect(skipped).toEqual([]);
    expect(payload.manifest.step).toBe(4);
    const resumed = await restorePayload(config, dataset.data, payload);
    snapshotter.attach({ run, dataset, session: resumed }, atK, null);
    for (let i = 0; i < 6; i++) await resumed.trainStep();
    const again = await snapshotter.request('manual');
    resumed.dispose();

    const a = await store.loadSnapshot(atN.id);
    const b = await store.loadSnapshot(again.id);
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
