import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/shared/hash';
import type { RunRecord, SnapshotPayload } from '../../src/shared/snapshot';
import type { RunWrite } from '../../workers/store';
import { mirrorFileName } from '../../workers/store/testing';
import { checkpointPayload, TINY_MLP } from './checkpoint-fixtures';
import { bytesOf } from './store-fixtures';
import { faultyStore, MemoryFiles } from './store-faults-fixtures';

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
  return { payload, write: { run, dataset: { id, name: 'mine.txt', text }, isNew: true } };
}

describe('the second copy in the origin private file system', () => {
  it('a commit writes the run, its text and the snapshot under a temporary name, then renames', async () => {
    const files = new MemoryFiles();
    const { store } = await faultyStore({}, { mirror: files });
    const { payload, write } = await userRun();
    const result = await store.commitSnapshot(payload, { keepLast: 3 }, write);

    expect(files.log).toEqual(['write r1.ttmirror.partial', 'move r1.ttmirror']);
    expect([...files.files.keys()]).toEqual([mirrorFileName('r1')]);
    expect(result.mirror).toMatchObject({ bytes: files.files.get('r1.ttmirror')!.size });
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
    expect(files.log.at(-1)).toBe('remove r1.ttmirror');
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
    expect(await raw.get('datasets', write.dataset!.id)).toEqual(write.dataset);
  });

  it('refuses text that does not match its hash before writing anything', async () => {
    const { payload, write } = await userRun();
    const { store, raw } = await faultyStore();
    const bad = { ...write, dataset: { ...write.dataset!, text: 'changed' } };
    await expect(store.commitSnapshot(payload, { keepLast: 3 }, bad)).rejects.toMatchObject({
      name: 'DatasetError',
    });
    expect(await raw.count('runs')).toBe(0);
  });
});
