import { describe, expect, it } from 'vitest';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import { newestFirst } from '../../src/shared/newest-first';
import { bestByValLoss, selectPrunable } from '../../workers/store/testing';
import {
  freshStore,
  makePayload,
  createRun,
  newRun,
  seededRun,
  snapshotIds,
  tensorKeys,
} from './store-fixtures';

function m(
  id: string,
  step: number,
  extra: Partial<Pick<SnapshotManifest, 'valLoss' | 'pinned' | 'createdAt'>> = {},
): SnapshotManifest {
  return { id, step, createdAt: step, valLoss: null, pinned: false, ...extra } as SnapshotManifest;
}

describe('retention rules', () => {
  const none = new Set<string>();

  it('orders by commit time, then by step', () => {
    const list = [m('a', 5, { createdAt: 1 }), m('b', 9), m('c', 5, { createdAt: 2 })];
    expect(list.sort(newestFirst).map((x) => x.id)).toEqual(['b', 'c', 'a']);
    const sameTime = [m('x', 3, { createdAt: 7 }), m('y', 4, { createdAt: 7 })];
    expect(sameTime.sort(newestFirst).map((x) => x.id)).toEqual(['y', 'x']);
  });

  it('after a roll back, the new branch is newest and the abandoned one ages out', () => {
    // Steps 10, 20, 30 committed; the user rolled back to 10 and trained on to 15, 16.
    const list = [
      m('s10', 10, { createdAt: 1 }),
      m('s20', 20, { createdAt: 2 }),
      m('s30', 30, { createdAt: 3 }),
      m('s15', 15, { createdAt: 4 }),
      m('s16', 16, { createdAt: 5 }),
    ];
    expect(selectPrunable(list, { keepLast: 3, keepBest: false, protect: none })).toEqual([
      's20',
      's10',
    ]);
  });

  it('keeps the newest keepLast and prunes the rest', () => {
    const list = [m('a', 1), m('b', 2), m('c', 3), m('d', 4)];
    expect(selectPrunable(list, { keepLast: 2, keepBest: true, protect: none })).toEqual([
      'b',
      'a',
    ]);
  });

  it('keeps the lowest validation loss, the pinned and the protected', () => {
    const list = [
      m('a', 1, { valLoss: 0.5 }),
      m('b', 2, { pinned: true }),
      m('c', 3, { valLoss: 0.9 }),
      m('d', 4),
      m('e', 5),
      m('f', 6),
    ];
    const protect = new Set(['d']);
    expect(selectPrunable(list, { keepLast: 1, keepBest: true, protect })).toEqual(['e', 'c']);
    expect(selectPrunable(list, { keepLast: 1, keepBest: false, protect })).toEqual([
      'e',
      'c',
      'a',
    ]);
  });

  it('ignores null and non-finite losses when picking the best', () => {
    const list = [m('a', 1, { valLoss: NaN }), m('b', 2, { valLoss: 0.7 }), m('c', 3)];
    expect(bestByValLoss(list)?.id).toBe('b');
    expect(bestByValLoss([m('x', 1)])).toBeNull();
  });
});

describe('SnapshotStore retention on commit', () => {
  it('prunes beyond keepLast, removing manifests and tensor rows', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [1, 2, 3]);
    const { pruned } = await store.commitSnapshot(await makePayload('r1', 4), { keepLast: 2 });
    expect(pruned.sort()).toEqual(['r1-s1', 'r1-s2']);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s4', 'r1-s3']);
    const keys = await tensorKeys(raw);
    expect(keys.filter((k) => k.startsWith('r1-s1/') || k.startsWith('r1-s2/'))).toEqual([]);
    expect(keys).toHaveLength(6);
  });

  it('removes tensor rows its manifest does not name', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [1]);
    await raw.put('tensors', { snapshotId: 'r1-s1', name: 'stray', data: new ArrayBuffer(4) });
    await store.commitSnapshot(await makePayload('r1', 2), { keepLast: 1 });
    await store.commitSnapshot(await makePayload('r1', 3), { keepLast: 1 });
    expect((await tensorKeys(raw)).filter((k) => k.startsWith('r1-s1/'))).toEqual([]);
  });

  it('keeps the best by validation loss and every pinned snapshot', async () => {
    const { store } = await freshStore();
    await createRun(store, 'r1', 1, { valLoss: 0.9, pinned: true });
    const commit = async (step: number, valLoss: number | null, pinned = false) =>
      store.commitSnapshot(await makePayload('r1', step, { valLoss, pinned }), { keepLast: 1 });
    await commit(2, 0.2);
    await commit(3, 0.5);
    await commit(4, 0.6);
    await commit(5, null);
    // Pinned 1, best 2, the previous latest 4 and the new 5 stay.
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s5', 'r1-s4', 'r1-s2', 'r1-s1']);
  });

  it('honours a pin set after the commit', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1, 2]);
    await store.pinSnapshot('r1-s1', true);
    await store.commitSnapshot(await makePayload('r1', 3), { keepLast: 1 });
    await store.commitSnapshot(await makePayload('r1', 4), { keepLast: 1 });
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s4', 'r1-s3', 'r1-s1']);
    await expect(store.pinSnapshot('gone', true)).rejects.toMatchObject({
      name: 'SnapshotNotFoundError',
    });
  });

  it("never prunes the run's last good snapshot, even when newer steps exist", async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [100, 200, 300]);
    // Rolled back twice: the pointer (step 150) is not among the newest by step.
    await store.commitSnapshot(await makePayload('r1', 150), { keepLast: 100 });
    const { pruned } = await store.commitSnapshot(await makePayload('r1', 120), { keepLast: 1 });
    expect(pruned.sort()).toEqual(['r1-s100', 'r1-s200']);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s300', 'r1-s150', 'r1-s120']);
  });

  it('touches only the committing run', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1, 2, 3]);
    await seededRun(store, 'r2', [1]);
    await store.commitSnapshot(await makePayload('r2', 2), { keepLast: 1 });
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s3', 'r1-s2', 'r1-s1']);
  });

  it('rejects a keepLast below 1', async () => {
    const { store } = await freshStore();
    await expect(
      store.commitSnapshot(await makePayload('r1', 1), { keepLast: 0 }, newRun('r1')),
    ).rejects.toThrow(/keepLast/);
  });
});
