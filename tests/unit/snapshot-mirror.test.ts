import { describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../src/shared/checkpoint';
import { sha256Hex } from '../../src/shared/hash';
import type { RunRecord, SnapshotPayload } from '../../src/shared/snapshot';
import { SnapshotStore, type RunWrite } from '../../workers/store';
import { mirrorFileName, mirrorTextName } from '../../workers/store/testing';
import { checkpointPayload, TINY_MLP } from './checkpoint-fixtures';
import { bytesOf } from './store-fixtures';
import { fakeClock, faultyStore, MemoryFiles } from './store-faults-fixtures';

/** A real model's snapshot (the checkpoint reader checks it) of run r1 on a user's text. */
async function userRun(step = 5): Promise<{ payload: SnapshotPayload; write: RunWrite }> {
  const text = 'anna\nbob\ncarl\n';
  const id = await sha256Hex(new TextEncoder().encode(text));
  const base = await checkpointPayload(TINY_MLP, { iterations: step });
  const dataset = { ...base.manifest.dataset, id };
  const payload: SnapshotPayload = {
    ...base,
    manifest: {
      ...base.manifest,
      id: `r1-s${step}`,
      runId: 'r1',
      dataset,
      step,
      createdAt: 1000 + step,
    },
  };
  const run: RunRecord = {
    id: 'r1',
    name: 'my run',
    config: payload.manifest.config,
    dataset,
    createdAt: 1,
    latestSnapshotId: null,
  };
  const bytes = new TextEncoder().encode(text);
  return { payload, write: { run, dataset: { id, name: 'mine.txt', bytes }, isNew: true } };
}

describe('the second copy in the origin private file system', () => {
  it('a commit writes the run and the snapshot under a temporary name, then renames; its text once, as bytes', async () => {
    const files = new MemoryFiles();
    const { store } = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    const text = mirrorTextName(write.dataset!.id);
    const result = await store.commitSnapshot(payload, { keepLast: 3 }, write);

    expect(files.log).toEqual([
      `write ${text}.partial`,
      `move ${text}`,
      'write r1.ttmirror.partial',
      'move r1.ttmirror',
    ]);
    expect([...files.files.keys()].sort()).toEqual([text, mirrorFileName('r1')].sort());
    expect(new Uint8Array(await files.files.get(text)!.arrayBuffer())).toEqual(
      write.dataset!.bytes,
    );
    const runFile = files.files.get('r1.ttmirror')!.size;
    expect(result.mirror).toMatchObject({ bytes: runFile + write.dataset!.bytes.length });

    // The next snapshot replaces the run's file alone: the text is there already.
    files.log.length = 0;
    const next = await userRun(6);
    const again = await store.commitSnapshot(
      next.payload,
      { keepLast: 3 },
      {
        ...write,
        isNew: false,
      },
    );
    expect(files.log).toEqual(['write r1.ttmirror.partial', 'move r1.ttmirror']);
    expect(again.mirror).toMatchObject({ bytes: files.files.get('r1.ttmirror')!.size });
  });

  it('a commit without the text in hand reads it from IndexedDB once per store, not at every commit', async () => {
    const files = new MemoryFiles();
    const { store, raw, factory } = await faultyStore({}, { mirror: files });
    const first = await userRun();
    await store.commitSnapshot(first.payload, { keepLast: 3 }, first.write);
    // Reads of the datasets store, counted where fake-indexeddb serves them.
    const proto = Object.getPrototypeOf(raw.transaction('datasets').objectStore('datasets')) as {
      get: (...args: unknown[]) => unknown;
    };
    const get = proto.get;
    let datasetReads = 0;
    proto.get = function (this: { name: string }, ...args: unknown[]) {
      if (this.name === 'datasets') datasetReads++;
      return get.apply(this, args);
    };
    try {
      for (const step of [6, 7]) {
        const { payload } = await userRun(step);
        const result = await store.commitSnapshot(payload, { keepLast: 3 }, null);
        expect(result.mirror).toMatchObject({ bytes: files.files.get('r1.ttmirror')!.size });
      }
      // The text's size was known from the first commit's write: never read.
      expect(datasetReads).toBe(0);
      // A store opened anew (a reload) reads it once, for the first commit only.
      const again = await SnapshotStore.open({
        factory,
        name: 'test',
        clock: fakeClock(),
        mirror: files,
        estimate: async () => null,
        persisted: async () => false,
      });
      for (const step of [8, 9]) {
        const { payload } = await userRun(step);
        await again.commitSnapshot(payload, { keepLast: 3 }, null);
      }
      expect(datasetReads).toBe(1);
      expect(files.log.filter((l) => l.startsWith('write r1.ttmirror'))).toHaveLength(5);
    } finally {
      proto.get = get;
    }
  });

  it('a failed mirror write never fails the commit, and says why', async () => {
    const files = new MemoryFiles();
    files.failWrites = true;
    const { store } = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    const result = await store.commitSnapshot(payload, { keepLast: 3 }, write);
    expect(result.mirror).toEqual({ error: 'QuotaExceededError: no room' });
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s5');
  });

  it('on boot, a run IndexedDB lost is restored from the copy in one piece, bit for bit', async () => {
    const files = new MemoryFiles();
    const first = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    await first.store.commitSnapshot(payload, { keepLast: 3 }, write);

    // A new, empty database (the browser discarded the old one), the same file system.
    const { store } = await faultyStore({}, { mirror: files });
    const report = await store.restoreFromMirror();
    expect(report).toEqual({
      restored: [{ runId: 'r1', name: 'my run', step: 5, at: 1005 }],
      skipped: [],
    });
    const run = await store.getRun('r1');
    expect(run).toEqual({ ...write.run, latestSnapshotId: 'r1-s5' });
    expect(await store.getDataset(write.dataset!.id)).toEqual(write.dataset);
    const { payload: loaded } = await store.loadLatestGood('r1');
    expect(loaded.manifest.step).toBe(5);
    expect(loaded.data.map(bytesOf)).toEqual(payload.data.map(bytesOf));
    // Nothing to do the second time: IndexedDB has the run now.
    expect((await store.restoreFromMirror()).restored).toEqual([]);
  });

  it('never restores a run IndexedDB still has, nor one deleted on purpose', async () => {
    const files = new MemoryFiles();
    const { store } = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    await store.commitSnapshot(payload, { keepLast: 3 }, write);
    expect((await store.restoreFromMirror()).restored).toEqual([]);
    await store.deleteRun('r1');
    // The run's copy first; its text's once no run uses it.
    expect(files.log.slice(-2)).toEqual([
      'remove r1.ttmirror',
      `remove ${mirrorTextName(write.dataset!.id)}`,
    ]);
    expect([...files.files.keys()]).toEqual([]);
    expect((await store.restoreFromMirror()).restored).toEqual([]);
    expect(await store.getRun('r1')).toBeUndefined();
  });

  it('skips a damaged or half-written copy with the reason, restoring nothing from it', async () => {
    const files = new MemoryFiles();
    const first = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    await first.store.commitSnapshot(payload, { keepLast: 3 }, write);
    const whole = files.files.get('r1.ttmirror')!;
    files.files.set('r1.ttmirror', whole.slice(0, whole.size - 10));
    files.files.set('r2.ttmirror.partial', new Blob(['TTMIRROR', 'garbage']));

    const { store } = await faultyStore({}, { mirror: files });
    const { restored, skipped } = await store.restoreFromMirror();
    expect(restored).toEqual([]);
    expect(skipped.map((s) => s.file).sort()).toEqual(['r1.ttmirror', 'r2.ttmirror.partial']);
    expect(skipped[0]!.reason).toMatch(/unreadable|truncated|wrong length/i);
    expect(await store.listRuns()).toEqual([]);
  });

  it('restores a complete temporary copy when the rename never happened', async () => {
    const files = new MemoryFiles();
    const first = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    await first.store.commitSnapshot(payload, { keepLast: 3 }, write);
    files.files.set('r1.ttmirror.partial', files.files.get('r1.ttmirror')!);
    files.files.delete('r1.ttmirror');

    const { store } = await faultyStore({}, { mirror: files });
    expect((await store.restoreFromMirror()).restored.map((r) => r.step)).toEqual([5]);
  });

  it('skips a copy whose text file is missing, naming it', async () => {
    const files = new MemoryFiles();
    const first = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    await first.store.commitSnapshot(payload, { keepLast: 3 }, write);
    files.files.delete(mirrorTextName(write.dataset!.id));

    const { store } = await faultyStore({}, { mirror: files });
    const { restored, skipped } = await store.restoreFromMirror();
    expect(restored).toEqual([]);
    expect(skipped).toEqual([
      { file: 'r1.ttmirror', reason: expect.stringMatching(/training text is missing/) },
    ]);
  });

  it('restores a copy written before texts were files of their own (format 1, the text inside)', async () => {
    const files = new MemoryFiles();
    const { payload, write } = await userRun();
    const text = write.dataset!.bytes;
    const checkpoint = encodeCheckpoint(payload, write.run.name);
    const header = new TextEncoder().encode(
      JSON.stringify({
        format: 1,
        run: { ...write.run, latestSnapshotId: payload.manifest.id },
        snapshot: { id: payload.manifest.id, trigger: payload.manifest.trigger, pinned: false },
        dataset: { id: write.dataset!.id, name: 'mine.txt', bytes: text.length },
        checkpointBytes: checkpoint.size,
      }),
    );
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, header.length, true);
    files.files.set(
      'r1.ttmirror',
      new Blob(['TTMIRROR', length, header, text as BlobPart, checkpoint]),
    );

    const { store } = await faultyStore({}, { mirror: files });
    expect((await store.restoreFromMirror()).restored.map((r) => r.step)).toEqual([5]);
    expect(await store.getDataset(write.dataset!.id)).toEqual(write.dataset);
  });
});

describe('a new run and its text', () => {
  it('are written in the same transaction as its first snapshot: an abort leaves neither', async () => {
    const { payload, write } = await userRun();
    let abort = true;
    const { store, raw } = await faultyStore({
      afterWrites: (info) => {
        if (abort) info.abort();
      },
    });
    await expect(store.commitSnapshot(payload, { keepLast: 3 }, write)).rejects.toThrow();
    expect(await raw.count('runs')).toBe(0);
    expect(await raw.count('datasets')).toBe(0);
    expect(await raw.count('snapshots')).toBe(0);
    abort = false;
    await store.commitSnapshot(payload, { keepLast: 3 }, write);
    // Stored as bytes (a Blob), read back as the bytes written.
    const stored = await raw.get('datasets', write.dataset!.id);
    expect(stored !== undefined && 'bytes' in stored && stored.bytes instanceof Blob).toBe(true);
    expect(await store.getDataset(write.dataset!.id)).toEqual(write.dataset);
  });

  it('refuses text that does not match its hash before writing anything', async () => {
    const { payload, write } = await userRun();
    const { store, raw } = await faultyStore();
    const changed = new TextEncoder().encode('changed');
    const bad = { ...write, dataset: { ...write.dataset!, bytes: changed } };
    await expect(store.commitSnapshot(payload, { keepLast: 3 }, bad)).rejects.toMatchObject({
      name: 'DatasetError',
    });
    expect(await raw.count('runs')).toBe(0);
  });
});

describe('a file system that refuses its root', () => {
  it('boots without the second copy: the refusal is reported as skipped, nothing restored', async () => {
    const files = new MemoryFiles();
    files.list = async () => {
      throw new DOMException(
        'The operation failed for an unknown transient reason',
        'UnknownError',
      );
    };
    const { store } = await faultyStore({}, { mirror: files });
    const { restored, skipped } = await store.restoreFromMirror();
    expect(restored).toEqual([]);
    expect(skipped).toEqual([
      {
        file: 'snapshot-mirror',
        reason: 'UnknownError: The operation failed for an unknown transient reason',
      },
    ]);
    // The store itself works: a commit still lands in IndexedDB.
    const { payload, write } = await userRun();
    await store.commitSnapshot(payload, { keepLast: 3 }, write);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['r1']);
  });
});
