import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetInfo } from '../../src/shared/snapshot';
import {
  DATASET,
  freshStore,
  makePayload,
  newRun,
  seededRun,
  snapshotIds,
  tensorKeys,
} from './store-fixtures';

async function datasetOf(text: string, name = 'mine.txt') {
  const id = await sha256Hex(new TextEncoder().encode(text));
  const info: DatasetInfo = { ...DATASET, id, name };
  return { record: { id, name, bytes: new TextEncoder().encode(text) }, text, info };
}

describe('SnapshotStore deleteRun', () => {
  it('removes the run, its snapshots and all their tensor rows, and nothing else', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [1, 2]);
    await seededRun(store, 'r2', [1]);
    await store.deleteRun('r1');
    expect(await store.getRun('r1')).toBeUndefined();
    expect(await snapshotIds(store, 'r1')).toEqual([]);
    expect(await tensorKeys(raw)).toEqual([
      'r2-s1/model/b',
      'r2-s1/model/w',
      'r2-s1/optimizer/iter',
    ]);
    expect((await store.getRun('r2'))?.latestSnapshotId).toBe('r2-s1');
  });

  it('deletes the dataset only once no run uses it', async () => {
    const { store } = await freshStore();
    const { record, text, info } = await datasetOf('anna\nbob\n');
    for (const id of ['r1', 'r2']) {
      const first = await makePayload(id, 0, { dataset: info });
      await store.commitSnapshot(first, { keepLast: 3 }, newRun(id, 1, info, text));
    }
    await store.deleteRun('r1');
    expect(await store.getDataset(info.id)).toEqual(record);
    await store.deleteRun('r2');
    expect(await store.getDataset(info.id)).toBeUndefined();
  });

  it('rejects an unknown run', async () => {
    const { store } = await freshStore();
    await expect(store.deleteRun('nope')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  });
});

describe('SnapshotStore deleteSnapshot', () => {
  it('moves the pointer to the newest remaining snapshot when the latest is deleted', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [1, 2, 3]);
    await store.deleteSnapshot('r1-s3');
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s2');
    expect((await tensorKeys(raw)).filter((k) => k.startsWith('r1-s3/'))).toEqual([]);
    expect((await store.loadLatestGood('r1')).payload.manifest.step).toBe(2);
  });

  it('leaves the pointer alone when an older snapshot is deleted', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1, 2, 3]);
    await store.deleteSnapshot('r1-s1');
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s3', 'r1-s2']);
  });

  it('sets the pointer to null when the last snapshot goes', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [1]);
    await store.deleteSnapshot('r1-s1');
    expect((await store.getRun('r1'))?.latestSnapshotId).toBeNull();
    await expect(store.deleteSnapshot('r1-s1')).rejects.toMatchObject({
      name: 'SnapshotNotFoundError',
    });
  });
});

describe('SnapshotStore datasets', () => {
  it("stores a run's text with its first snapshot, by its content hash", async () => {
    const { store } = await freshStore();
    const { record, text, info } = await datasetOf('héllo\nwörld\n');
    await store.commitSnapshot(
      await makePayload('r1', 0, { dataset: info }),
      { keepLast: 3 },
      newRun('r1', 1, info, text),
    );
    expect(await store.getDataset(record.id)).toEqual(record);
    expect(await store.getDataset('f'.repeat(64))).toBeUndefined();
  });

  it('reads a text stored as a string, before texts were bytes, as its UTF-8 bytes', async () => {
    const { store, raw } = await freshStore();
    const { record, text } = await datasetOf('zoë\nanna\n');
    await raw.put('datasets', { id: record.id, name: record.name, text });
    expect(await store.getDataset(record.id)).toEqual(record);
  });

  it('keeps bytes that are not UTF-8 as they are', async () => {
    const { store } = await freshStore();
    const bytes = Uint8Array.from([0x61, 0xff, 0x0a, 0xc3, 0x62, 0x00, 0x0a]);
    const id = await sha256Hex(bytes);
    const info: DatasetInfo = { ...DATASET, id, name: 'raw.bin' };
    const write = { ...newRun('r1', 1, info), dataset: { id, name: 'raw.bin', bytes } };
    await store.commitSnapshot(
      await makePayload('r1', 0, { dataset: info }),
      { keepLast: 3 },
      write,
    );
    expect((await store.getDataset(id))?.bytes).toEqual(bytes);
  });

  it('rejects a dataset whose id is not the hash of its text, on write and on read', async () => {
    const { store, raw } = await freshStore();
    const { record, info } = await datasetOf('abc');
    const wrong = newRun('r1', 1, info, 'abd');
    await expect(
      store.commitSnapshot(await makePayload('r1', 0, { dataset: info }), { keepLast: 3 }, wrong),
    ).rejects.toMatchObject({ name: 'DatasetError' });
    expect(await store.getRun('r1')).toBeUndefined();
    await raw.put('datasets', { id: record.id, name: record.name, text: 'abd' });
    await expect(store.getDataset(record.id)).rejects.toThrow(/Load the file again/);
  });
});
