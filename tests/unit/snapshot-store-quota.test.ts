import { describe, expect, it } from 'vitest';
import { isQuotaError, type FaultHooks } from '../../workers/store/testing';
import {
  freshStore,
  makePayload,
  createRun,
  newRun,
  seededRun,
  snapshotIds,
  tensorKeys,
} from './store-fixtures';

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/** Fails the commit of `snapshotId` with a quota error on the given attempts. */
function quotaOn(snapshotId: string, attempts: readonly number[]): FaultHooks & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    beforeTensorPut: (info) => {
      if (info.snapshotId !== snapshotId || info.index !== 0) return;
      seen.push(info.attempt);
      if (attempts.includes(info.attempt)) throw quotaError();
    },
  };
}

describe('isQuotaError', () => {
  it('recognises the quota DOMException by name and by legacy code', () => {
    expect(isQuotaError(quotaError())).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});

describe('SnapshotStore under a full disk', () => {
  it('prunes harder and retries once, keeping pinned and the last good snapshot', async () => {
    const faults = quotaOn('r1-s5', [1]);
    const { store, raw } = await freshStore(faults);
    await createRun(store, 'r1', 1, { valLoss: 0.1 });
    await store.commitSnapshot(await makePayload('r1', 2, { pinned: true }), { keepLast: 10 });
    await store.commitSnapshot(await makePayload('r1', 3), { keepLast: 10 });
    await store.commitSnapshot(await makePayload('r1', 4), { keepLast: 10 });

    const { pruned } = await store.commitSnapshot(await makePayload('r1', 5), { keepLast: 10 });
    expect(faults.seen).toEqual([1, 2]);
    // The best-by-loss snapshot (step 1) goes too: space beats keep-best.
    expect(pruned.sort()).toEqual(['r1-s1', 'r1-s3']);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s5', 'r1-s4', 'r1-s2']);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s5');
    const keys = await tensorKeys(raw);
    expect(keys.filter((k) => k.startsWith('r1-s1/') || k.startsWith('r1-s3/'))).toEqual([]);
    expect((await store.loadLatestGood('r1')).payload.manifest.step).toBe(5);
  });

  it('throws StorageQuotaError when the retry fails, with the last good snapshot intact', async () => {
    const faults = quotaOn('r1-s4', [1, 2]);
    const { store, raw } = await freshStore(faults);
    await seededRun(store, 'r1', [1, 2, 3]);

    const error = await store.commitSnapshot(await makePayload('r1', 4)).catch((e) => e);
    expect(faults.seen).toEqual([1, 2]);
    expect(error.name).toBe('StorageQuotaError');
    expect(error.message).toMatch(/step 4 could not be saved/);
    expect(error.message).toMatch(/export the runs you want to keep and delete old runs/);
    expect(error.message).toMatch(/last good snapshot \(step 3 from \d\d:\d\d\) is intact/);
    expect(error.message).toMatch(/Snapshots resume by themselves once there is room/);

    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
    expect(await snapshotIds(store, 'r1')).toContain('r1-s3');
    expect((await tensorKeys(raw)).filter((k) => k.startsWith('r1-s4/'))).toEqual([]);
    const { payload, skipped } = await store.loadLatestGood('r1');
    expect(payload.manifest.step).toBe(3);
    expect(skipped).toEqual([]);
  });

  it("keeps the run's pointer when pruning for space, even below a higher step", async () => {
    const { store } = await freshStore(quotaOn('r1-s160', [1]));
    await seededRun(store, 'r1', [100, 200]);
    // Rolled back: the pointer (step 150) is not the newest by step.
    await store.commitSnapshot(await makePayload('r1', 150), { keepLast: 10 });
    const { pruned } = await store.commitSnapshot(await makePayload('r1', 160), { keepLast: 10 });
    expect(pruned).toEqual(['r1-s100']);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s200', 'r1-s160', 'r1-s150']);
  });

  it('does not retry a failure that is neither quota nor connection', async () => {
    const seen: number[] = [];
    const { store } = await freshStore({
      beforeTensorPut: ({ attempt, index }) => {
        if (index !== 0) return;
        seen.push(attempt);
        throw new DOMException('boom', 'DataError');
      },
    });
    await expect(
      store.commitSnapshot(await makePayload('r1', 1), { keepLast: 3 }, newRun('r1')),
    ).rejects.toMatchObject({
      name: 'SnapshotError',
    });
    expect(seen).toEqual([1]);
  });
});
