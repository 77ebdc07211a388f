import { describe, expect, it } from 'vitest';
import { newestFirst, type Dated } from '../../src/shared/newest-first';
import { createRun, freshStore, makePayload } from './store-fixtures';

const ids = (list: readonly Dated[]) => [...list].sort(newestFirst).map((x) => x.id);

describe('the one newest-first order', () => {
  it('is total: the same order whatever order the items came in', () => {
    const snapshots: Dated[] = [
      { id: 'a', createdAt: 5, step: 1 },
      { id: 'b', createdAt: 5, step: 1 },
      { id: 'c', createdAt: 5, step: 2 },
      { id: 'd', createdAt: 6, step: 0 },
    ];
    expect(ids(snapshots)).toEqual(['d', 'c', 'b', 'a']);
    expect(ids([...snapshots].reverse())).toEqual(['d', 'c', 'b', 'a']);
  });

  it('orders runs and jobs, which have no step, by creation time, then id', () => {
    const runs: Dated[] = [
      { id: 'r1', createdAt: 7 },
      { id: 'r3', createdAt: 7 },
      { id: 'r2', createdAt: 9 },
    ];
    expect(ids(runs)).toEqual(['r2', 'r3', 'r1']);
    expect(ids([...runs].reverse())).toEqual(['r2', 'r3', 'r1']);
  });

  it('is the order the store lists runs and snapshots in, ties included', async () => {
    const { store } = await freshStore();
    for (const id of ['b', 'a', 'c']) await createRun(store, id, 0, { runCreatedAt: 1_000 });
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    // Same commit time and step: the id decides, as it does for retention.
    for (const id of ['r-y', 'r-x', 'r-z']) {
      await store.commitSnapshot(await makePayload('a', 5, { id, createdAt: 50_000 }), {
        keepLast: 100,
      });
    }
    const listed = (await store.listSnapshots('a')).map((m) => m.id);
    expect(listed).toEqual(['r-z', 'r-y', 'r-x', 'a-s0']);
  });
});
