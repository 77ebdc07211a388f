import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SnapshotPayload } from '../../src/shared/snapshot';
import {
  bytesOf,
  freshStore,
  makePayload,
  createRun,
  makeRun,
  newRun,
  seededRun,
  snapshotIds,
  tensorKeys,
} from './store-fixtures';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SnapshotStore commit', () => {
  it('loads back bitwise what it committed, and moves the run pointer', async () => {
    const { store } = await freshStore();
    const payload = await createRun(store, 'r1', 7);

    const loaded = await store.loadSnapshot(payload.manifest.id);
    expect(loaded.manifest).toEqual(payload.manifest);
    expect(loaded.data.map(bytesOf)).toEqual(payload.data.map(bytesOf));
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe(payload.manifest.id);
  });

  it('writes in a strict-durability readwrite transaction over runs, snapshots and tensors (reading jobs)', async () => {
    const { store } = await freshStore();
    await createRun(store, 'r1', 0);
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await store.commitSnapshot(await makePayload('r1', 1));
    const writes = spy.mock.calls.filter(([, mode]) => mode === 'readwrite');
    expect(writes).toHaveLength(1);
    // `jobs` is only read there: the snapshots jobs use are kept from pruning.
    expect([...writes[0][0]].sort()).toEqual(['jobs', 'runs', 'snapshots', 'tensors']);
    expect(writes[0][2]).toEqual({ durability: 'strict' });
  });

  it('rejects a commit for a run that does not exist, writing nothing', async () => {
    const { store, raw } = await freshStore();
    await expect(store.commitSnapshot(await makePayload('ghost', 1))).rejects.toMatchObject({
      name: 'RunNotFoundError',
    });
    expect(await tensorKeys(raw)).toEqual([]);
    expect(await raw.count('snapshots')).toBe(0);
  });

  it.each<[string, (p: SnapshotPayload) => SnapshotPayload, RegExp]>([
    [
      'a missing buffer',
      (p) => ({ ...p, data: p.data.slice(1) }),
      /lists 3 tensors but 2 were given/,
    ],
    [
      'a buffer of the wrong length',
      (p) => ({ ...p, data: [new ArrayBuffer(4), ...p.data.slice(1)] }),
      /"model\/w" has 4 bytes, its manifest says 24/,
    ],
    [
      'a shape that does not fit the bytes',
      (p) => ({
        ...p,
        manifest: {
          ...p.manifest,
          tensors: [{ ...p.manifest.tensors[0], shape: [5] }, ...p.manifest.tensors.slice(1)],
        },
      }),
      /"model\/w" is float32 \[5\] \(20 bytes\)/,
    ],
    [
      'a wrong total',
      (p) => ({ ...p, manifest: { ...p.manifest, bytes: 1 } }),
      /manifest says 1 bytes/,
    ],
  ])('rejects a payload with %s before writing', async (_label, spoil, message) => {
    const { store, raw } = await freshStore();
    const first = await createRun(store, 'r1', 0);
    const before = await tensorKeys(raw);
    const error = await store.commitSnapshot(spoil(await makePayload('r1', 1))).catch((e) => e);
    expect(error).toMatchObject({ name: 'SnapshotError', message: expect.stringMatching(message) });
    expect(await tensorKeys(raw)).toEqual(before);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe(first.manifest.id);
  });

  it('never overwrites an existing snapshot id', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1]);
    const again = await makePayload('r1', 2, { id: 'r1-s1' });
    await expect(store.commitSnapshot(again)).rejects.toThrow(/already exists/);
    expect((await store.loadSnapshot('r1-s1')).manifest.step).toBe(1);
  });
});

describe('SnapshotStore commit is all or nothing', () => {
  it('leaves nothing when the last tensor put fails', async () => {
    const { store, raw } = await freshStore({
      beforeTensorPut: ({ snapshotId, index }) => {
        if (snapshotId === 'r1-s2' && index === 2) throw new Error('disk on fire');
      },
    });
    await seededRun(store, 'r1', [1]);
    const before = await tensorKeys(raw);

    const error = await store.commitSnapshot(await makePayload('r1', 2)).catch((e) => e);
    expect(error).toMatchObject({
      name: 'SnapshotError',
      message: expect.stringMatching(/disk on fire/),
    });
    expect(await tensorKeys(raw)).toEqual(before);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s1']);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s1');
  });

  it('leaves nothing, and prunes nothing, when the transaction aborts after every write', async () => {
    const { store, raw } = await freshStore({
      afterWrites: ({ snapshotId, abort }) => {
        if (snapshotId === 'r1-s4') abort();
      },
    });
    await seededRun(store, 'r1', [1, 2, 3]);
    const before = await tensorKeys(raw);

    const error = await store
      .commitSnapshot(await makePayload('r1', 4), { keepLast: 1 })
      .catch((e) => e);
    expect(error).toMatchObject({
      name: 'SnapshotError',
      message: expect.stringMatching(/AbortError/),
    });
    expect(await tensorKeys(raw)).toEqual(before);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s3', 'r1-s2', 'r1-s1']);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
    const { payload } = await store.loadLatestGood('r1');
    expect(payload.manifest.step).toBe(3);
  });
});

describe('SnapshotStore runs', () => {
  it('never overwrites an existing run', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1]);
    const other = { ...newRun('r1'), run: { ...makeRun('r1'), name: 'other' } };
    await expect(
      store.commitSnapshot(await makePayload('r1', 2), { keepLast: 3 }, other),
    ).rejects.toMatchObject({
      name: 'SnapshotError',
      message: expect.stringMatching(/a run is never overwritten/),
    });
    const run = await store.getRun('r1');
    expect(run?.name).toBe('run r1');
    expect(run?.latestSnapshotId).toBe('r1-s1');
  });

  it('lists runs newest first by creation time', async () => {
    const { store } = await freshStore();
    await createRun(store, 'b', 0, { runCreatedAt: 2_000 });
    await createRun(store, 'c', 0, { runCreatedAt: 3_000 });
    await createRun(store, 'a', 0, { runCreatedAt: 1_000 });
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('leaves neither run nor snapshot when that transaction aborts', async () => {
    const { store, raw } = await freshStore({ afterWrites: ({ abort }) => abort() });
    const error = await store
      .commitSnapshot(await makePayload('n1', 0), { keepLast: 3 }, newRun('n1'))
      .catch((e) => e);
    expect(error.name).toBe('SnapshotError');
    expect(await store.getRun('n1')).toBeUndefined();
    expect(await store.listRuns()).toEqual([]);
    expect(await tensorKeys(raw)).toEqual([]);
    // The run's text went in the same transaction, so it is gone with it.
    expect(await raw.count('datasets')).toBe(0);
  });

  it('never overwrites an existing run', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'n1', [1]);
    await expect(
      store.commitSnapshot(await makePayload('n1', 2), { keepLast: 3 }, newRun('n1')),
    ).rejects.toThrow(/already exists/);
    expect(await snapshotIds(store, 'n1')).toEqual(['n1-s1']);
  });
});
