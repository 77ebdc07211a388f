import { describe, expect, it } from 'vitest';
import type { TrainerDatabase } from '../../workers/store/testing';
import { bytesOf, freshStore, makePayload, makeRun, seededRun } from './store-fixtures';

async function flipByte(raw: TrainerDatabase, snapshotId: string, name: string): Promise<void> {
  const row = await raw.get('tensors', [snapshotId, name]);
  if (row === undefined) throw new Error(`no row ${snapshotId}/${name}`);
  // Stored as a Blob: write the tampered bytes back as one, as the store would find them.
  const copy = row.data instanceof Blob ? await row.data.arrayBuffer() : row.data.slice(0);
  new Uint8Array(copy)[5] ^= 0x01;
  await raw.put('tensors', { ...row, data: new Blob([copy]) });
}

describe('SnapshotStore load verification', () => {
  it('rejects a tensor whose bytes changed, naming the step and the tensor', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    await flipByte(raw, 'r1-s10', 'model/b');
    const error = await store.loadSnapshot('r1-s10').catch((e) => e);
    expect(error.name).toBe('SnapshotCorruptError');
    expect(error.message).toMatch(/step 10 .*"model\/b" has SHA-256/);
  });

  it('rejects a missing tensor row', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    await raw.delete('tensors', ['r1-s10', 'optimizer/iter']);
    await expect(store.loadSnapshot('r1-s10')).rejects.toThrow(
      /step 10 .*"optimizer\/iter" is missing/,
    );
  });

  it('rejects a row of the wrong length', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    await raw.put('tensors', { snapshotId: 'r1-s10', name: 'model/w', data: new ArrayBuffer(8) });
    await expect(store.loadSnapshot('r1-s10')).rejects.toThrow(
      /"model\/w" has 8 bytes, its manifest says 24/,
    );
  });

  it('rejects a manifest whose shape does not fit its byte length', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    const manifest = await raw.get('snapshots', 'r1-s10');
    if (manifest === undefined) throw new Error('no manifest');
    const tensors = manifest.tensors.map((t) => (t.name === 'model/b' ? { ...t, shape: [4] } : t));
    await raw.put('snapshots', { ...manifest, tensors });
    await expect(store.loadSnapshot('r1-s10')).rejects.toThrow(/"model\/b" is float32 \[4\]/);
  });

  it('reports an unknown snapshot as SnapshotNotFoundError', async () => {
    const { store } = await freshStore();
    await expect(store.loadSnapshot('nope')).rejects.toMatchObject({
      name: 'SnapshotNotFoundError',
    });
  });
});

describe('SnapshotStore loadLatestGood', () => {
  it('loads the newest snapshot when it is good', async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [10, 20, 30]);
    const { payload, skipped } = await store.loadLatestGood('r1');
    expect(payload.manifest.step).toBe(30);
    expect(skipped).toEqual([]);
    const expected = await makePayload('r1', 30);
    expect(payload.data.map(bytesOf)).toEqual(expected.data.map(bytesOf));
  });

  it('falls back past a corrupt newest snapshot and says why', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10, 20, 30]);
    await flipByte(raw, 'r1-s30', 'model/w');
    await raw.delete('tensors', ['r1-s20', 'model/b']);

    const { payload, skipped } = await store.loadLatestGood('r1');
    expect(payload.manifest.id).toBe('r1-s10');
    expect(skipped.map(({ id, step }) => ({ id, step }))).toEqual([
      { id: 'r1-s30', step: 30 },
      { id: 'r1-s20', step: 20 },
    ]);
    expect(skipped[0].reason).toMatch(/"model\/w" has SHA-256/);
    expect(skipped[1].reason).toMatch(/"model\/b" is missing/);
  });

  it('starts at a chosen snapshot for a roll back', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10, 20, 30]);
    await flipByte(raw, 'r1-s20', 'model/w');
    const { payload, skipped } = await store.loadLatestGood('r1', 'r1-s20');
    expect(payload.manifest.step).toBe(10);
    expect(skipped.map((s) => s.id)).toEqual(['r1-s20']);
    await expect(store.loadLatestGood('r1', 'gone')).rejects.toMatchObject({
      name: 'SnapshotNotFoundError',
    });
  });

  it("starts at the run's pointer, not at a higher step of an abandoned branch", async () => {
    const { store } = await freshStore();
    await seededRun(store, 'r1', [10, 30]);
    // After rolling back to step 10 the run continues and commits step 20.
    await store.commitSnapshot(await makePayload('r1', 20), { keepLast: 100 });
    const { payload } = await store.loadLatestGood('r1');
    expect(payload.manifest.step).toBe(20);
  });

  it('throws SnapshotCorruptError when no snapshot is good', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10, 20]);
    await flipByte(raw, 'r1-s10', 'model/w');
    await flipByte(raw, 'r1-s20', 'model/w');
    const error = await store.loadLatestGood('r1').catch((e) => e);
    expect(error.name).toBe('SnapshotCorruptError');
    expect(error.message).toMatch(/all 2 failed verification/);
  });

  it('names a run without snapshots (as an older version could leave one) and an unknown run', async () => {
    const { store, raw } = await freshStore();
    await raw.put('runs', makeRun('r1'));
    await expect(store.loadLatestGood('r1')).rejects.toMatchObject({
      name: 'NoSnapshotYetError',
      message: expect.stringMatching(/has no snapshot yet/),
    });
    await expect(store.loadLatestGood('nope')).rejects.toMatchObject({ name: 'RunNotFoundError' });
  });
});

describe('tensor storage', () => {
  it('keeps tensors as Blobs and hands back verified bytes, or the Blobs for an export', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    const row = await raw.get('tensors', ['r1-s10', 'model/w']);
    expect(row?.data).toBeInstanceOf(Blob);
    const loaded = await store.loadSnapshot('r1-s10');
    expect(loaded.data.every((d) => d instanceof ArrayBuffer)).toBe(true);
    const blobs = await store.loadSnapshotBlobs('r1-s10');
    expect(blobs.data.every((d) => d instanceof Blob)).toBe(true);
    expect(await Promise.all(blobs.data.map((b) => (b as Blob).arrayBuffer()))).toEqual(
      loaded.data,
    );
    await flipByte(raw, 'r1-s10', 'model/w');
    await expect(store.loadSnapshotBlobs('r1-s10')).rejects.toThrow(/"model\/w" has SHA-256/);
  });

  it('still reads a row stored as an ArrayBuffer', async () => {
    const { store, raw } = await freshStore();
    await seededRun(store, 'r1', [10]);
    const row = (await raw.get('tensors', ['r1-s10', 'model/b']))!;
    await raw.put('tensors', { ...row, data: await (row.data as Blob).arrayBuffer() });
    await expect(store.loadSnapshot('r1-s10')).resolves.toBeDefined();
  });
});
