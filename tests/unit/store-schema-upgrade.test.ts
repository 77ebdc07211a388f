import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { SnapshotStore } from '../../workers/store';
import { DB_VERSION } from '../../workers/store/testing';
import { makeRun } from './store-fixtures';

describe('the schema upgrade to version 2 (jobs)', () => {
  it('adds the job stores and keeps every run, snapshot, tensor and text of version 1', async () => {
    const factory = new IDBFactory();
    globalThis.indexedDB = factory;
    // Version 1 as an earlier release wrote it.
    const v1 = await openDB('test', 1, {
      upgrade(db) {
        db.createObjectStore('runs', { keyPath: 'id' }).createIndex('by-dataset', 'dataset.id');
        db.createObjectStore('snapshots', { keyPath: 'id' }).createIndex('by-run', 'runId');
        db.createObjectStore('tensors', { keyPath: ['snapshotId', 'name'] });
        db.createObjectStore('datasets', { keyPath: 'id' });
      },
    });
    await v1.put('runs', makeRun('r1'));
    await v1.put('tensors', { snapshotId: 's1', name: 'model/emb', data: new Blob(['x']) });
    v1.close();

    const store = await SnapshotStore.open({ factory, name: 'test', mirror: null });
    expect((await store.getRun('r1'))?.name).toBe('run r1');
    store.close();
    const v2 = await openDB('test');
    expect(DB_VERSION).toBe(2);
    expect(v2.version).toBe(2);
    expect([...v2.objectStoreNames].sort()).toEqual([
      'datasets',
      'jobInputs',
      'jobResults',
      'jobs',
      'runs',
      'snapshots',
      'tensors',
    ]);
    expect(await v2.count('tensors')).toBe(1);
    v2.close();
  });
});
