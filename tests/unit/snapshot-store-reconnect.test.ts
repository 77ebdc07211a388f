import { forceCloseDatabase } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import {
  Backoff,
  DB_VERSION,
  DEFAULT_BACKOFF,
  type FaultHooks,
  type SnapshotPoint,
} from '../../workers/store/testing';
import {
  bytesOf,
  makePayload,
  makeRun,
  seededRun,
  snapshotIds,
  tensorKeys,
} from './store-fixtures';
import { dropConnection, fakeClock, faultyStore } from './store-faults-fixtures';

type Point = 'transaction' | 'tensor put' | 'manifest put' | 'pointer put' | 'tx.done';

/** Faults that drop the connection at `point` of the chosen commit's first `times` attempts. */
function dropAt(point: Point, snapshotId: string, times = 1): FaultHooks & { attempts: number[] } {
  const attempts: number[] = [];
  const hit = (info: Omit<SnapshotPoint, 'abort'> & { abort?: () => void }) => {
    if (info.snapshotId !== snapshotId) return;
    attempts.push(info.attempt);
    if (info.attempt <= times) dropConnection(info);
  };
  return {
    attempts,
    beforeTransaction: (info) => (point === 'transaction' ? hit(info) : undefined),
    beforeTensorPut: (info) => (point === 'tensor put' && info.index === 1 ? hit(info) : undefined),
    beforeManifestPut: (info) => (point === 'manifest put' ? hit(info) : undefined),
    beforePointerPut: (info) => (point === 'pointer put' ? hit(info) : undefined),
    afterWrites: (info) => (point === 'tx.done' ? hit(info) : undefined),
  };
}

const POINTS: Point[] = ['transaction', 'tensor put', 'manifest put', 'pointer put', 'tx.done'];

describe('a commit whose connection is closed under it', () => {
  it.each(POINTS)('closed at %s: reopens after one backoff step and commits', async (point) => {
    const faults = dropAt(point, 'r1-s3');
    const { store, raw, clock } = await faultyStore(faults);
    await seededRun(store, 'r1', [1, 2]);

    const payload = await makePayload('r1', 3);
    await store.commitSnapshot(payload, { keepLast: 10 });

    expect(faults.attempts).toEqual([1, 2]);
    expect(clock.sleeps).toEqual([DEFAULT_BACKOFF.minMs]);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
    const loaded = await store.loadSnapshot('r1-s3');
    expect(loaded.data.map(bytesOf)).toEqual(payload.data.map(bytesOf));
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s3', 'r1-s2', 'r1-s1']);
    // The aborted attempt left nothing: exactly one set of rows for the new snapshot.
    expect((await tensorKeys(raw)).filter((k) => k.startsWith('r1-s3/'))).toHaveLength(3);
  });

  it.each(POINTS)(
    'closed at %s on every attempt: a named error, the last good snapshot intact',
    async (point) => {
      const faults = dropAt(point, 'r1-s3', Infinity);
      const { store, raw, clock } = await faultyStore(faults);
      await seededRun(store, 'r1', [1, 2]);

      const error = await store.commitSnapshot(await makePayload('r1', 3)).catch((e) => e);
      expect(error.name).toBe('StorageClosedError');
      expect(error.message).toMatch(/snapshot at step 3 was not saved/);
      expect(error.message).toMatch(/newest good snapshot is step 2 from \d\d:\d\d/);
      expect(error.message).not.toMatch(/^InvalidStateError|^AbortError/);
      // Four attempts, three growing waits between them: bounded, and never a busy loop.
      expect(faults.attempts).toEqual([1, 2, 3, 4]);
      expect(clock.sleeps).toEqual([100, 200, 400]);
      expect((await tensorKeys(raw)).filter((k) => k.startsWith('r1-s3/'))).toEqual([]);
      const { payload } = await store.loadLatestGood('r1');
      expect(payload.manifest.step).toBe(2);
    },
  );

  it('heals: the next commit after a failed one succeeds, and the backoff starts over', async () => {
    const faults = dropAt('tensor put', 'r1-s3', Infinity);
    const { store, clock } = await faultyStore(faults);
    await seededRun(store, 'r1', [1]);
    await expect(store.commitSnapshot(await makePayload('r1', 3))).rejects.toThrow();
    const before = clock.sleeps.length;

    await store.commitSnapshot(await makePayload('r1', 4));
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s4');
    // One wait (the backoff owed by the last failure), then a success resets it.
    expect(clock.sleeps.slice(before)).toEqual([800]);
    await store.commitSnapshot(await makePayload('r1', 5));
    expect(clock.sleeps.slice(before)).toEqual([800]);
  });

  it('a connection the browser closed between commits is reopened by the next one', async () => {
    let connection: IDBDatabase | null = null;
    const { store } = await faultyStore({
      beforeTransaction: (info) => {
        connection = info.connection;
      },
    });
    await seededRun(store, 'r1', [1]);
    dropConnection({ connection: connection! });
    await new Promise((resolve) => setTimeout(resolve, 0));
    await store.commitSnapshot(await makePayload('r1', 2));
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s2');
    expect(connection).not.toBeNull();
  });

  it('a read on a closed connection reopens it too', async () => {
    let connection: IDBDatabase | null = null;
    const { store } = await faultyStore({
      beforeTransaction: (info) => {
        connection = info.connection;
      },
    });
    await seededRun(store, 'r1', [1, 2]);
    dropConnection({ connection: connection! });
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s2', 'r1-s1']);
  });

  it('a write the disk refused (UnknownError) is retried with backoff', async () => {
    let fails = 2;
    const { store, clock } = await faultyStore({
      beforeTensorPut: (info) => {
        if (info.snapshotId === 'r1-s2' && info.index === 0 && fails-- > 0) {
          throw new DOMException('Internal error committing transaction.', 'UnknownError');
        }
      },
    });
    await seededRun(store, 'r1', [1]);
    await store.commitSnapshot(await makePayload('r1', 2));
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s2');
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it('calls a failure on a nearly full disk StorageFullError, with what to do', async () => {
    const { store } = await faultyStore(dropAt('tensor put', 'r1-s2', Infinity), {
      estimate: async () => ({ usage: 39_000_000, quota: 39_500_000 }),
    });
    await seededRun(store, 'r1', [1]);
    const error = await store.commitSnapshot(await makePayload('r1', 2)).catch((e) => e);
    expect(error.name).toBe('StorageFullError');
    expect(error.message).toMatch(
      /^The disk is full \(or the browser cannot write to it\): the snapshot at step 2 was not saved\. Snapshots are paused and will resume by themselves once space is free; the newest good snapshot is step 1 from \d\d:\d\d\./,
    );
  });
});

describe('a disk that refuses every write', () => {
  it('reports StorageFullError after bounded retries, and heals once the disk takes writes', async () => {
    let full = true;
    const seen: number[] = [];
    const { store, clock } = await faultyStore({
      beforeTensorPut: (info) => {
        if (info.index !== 0 || info.snapshotId === 'r1-s1') return;
        seen.push(info.attempt);
        // What Chromium does on ENOSPC: the write fails (UnknownError), the connection closes.
        if (full) {
          forceCloseDatabase(info.connection as never);
          throw new DOMException('Internal error committing transaction.', 'UnknownError');
        }
      },
    });
    await seededRun(store, 'r1', [1]);
    const error = await store.commitSnapshot(await makePayload('r1', 2)).catch((e) => e);
    expect(error.name).toBe('StorageFullError');
    expect(error.message).toMatch(/will resume by themselves once space is free/);
    expect(error.message).toMatch(/the newest good snapshot is step 1 from \d\d:\d\d/);
    expect(error.message).toMatch(/\(the browser said: UnknownError: Internal error/);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);

    full = false;
    await store.commitSnapshot(await makePayload('r1', 3));
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
  });
});

describe('one commit at a time', () => {
  it('a second commit starts only after the first has settled, even across a reconnect', async () => {
    const events: string[] = [];
    const faults = dropAt('tensor put', 'r1-s2');
    const { store } = await faultyStore({
      ...faults,
      beforeTransaction: (info) => {
        events.push(`begin ${info.snapshotId}#${info.attempt}`);
      },
    });
    await seededRun(store, 'r1', [1]);
    const [a, b] = [await makePayload('r1', 2), await makePayload('r1', 3)];
    const first = store.commitSnapshot(a).then(() => events.push('end r1-s2'));
    const second = store.commitSnapshot(b).then(() => events.push('end r1-s3'));
    await Promise.all([first, second]);
    expect(events.filter((e) => !e.startsWith('begin r1-s1'))).toEqual([
      'begin r1-s2#1',
      'begin r1-s2#2',
      'end r1-s2',
      'begin r1-s3#1',
      'end r1-s3',
    ]);
  });

  it('a failed commit does not block the next one', async () => {
    const { store } = await faultyStore(dropAt('manifest put', 'r1-s2', Infinity));
    await seededRun(store, 'r1', [1]);
    const failed = store.commitSnapshot(await makePayload('r1', 2));
    const next = store.commitSnapshot(await makePayload('r1', 3));
    await expect(failed).rejects.toMatchObject({ name: 'StorageClosedError' });
    await next;
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s3');
  });
});

describe('another tab upgrading the database', () => {
  it('closes for the upgrade, then asks once for a reload instead of looping', async () => {
    const { store, raw, factory } = await faultyStore();
    await seededRun(store, 'r1', [1]);
    raw.close();
    const opens: number[] = [];
    const open = factory.open.bind(factory);
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = open('test', DB_VERSION + 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      // Not blocked: the store closed its connection on versionchange.
      request.onblocked = () => reject(new Error('blocked by the store'));
    });
    factory.open = (name: string, version?: number) => {
      opens.push(version ?? -1);
      return open(name, version);
    };

    const error = await store.commitSnapshot(await makePayload('r1', 2)).catch((e) => e);
    expect(error.name).toBe('StoreVersionError');
    expect(error.message).toContain(
      `version ${DB_VERSION + 1}; this tab knows version ${DB_VERSION}`,
    );
    expect(error.message).toMatch(/Reload the page/);
    expect(error.message).toMatch(/newest good snapshot is step 1/);
    const again = await store.commitSnapshot(await makePayload('r1', 3)).catch((e) => e);
    expect(again.name).toBe('StoreVersionError');
    expect(opens).toEqual([DB_VERSION]);
    newer.close();
  });
});

describe('Backoff', () => {
  it('grows by its factor from minMs and never passes maxMs', () => {
    const backoff = new Backoff(fakeClock(), { minMs: 50, maxMs: 1000, factor: 3 });
    expect([0, 1, 2, 3, 4, 5, 30].map((n) => backoff.delayAfter(n))).toEqual([
      0, 50, 150, 450, 1000, 1000, 1000,
    ]);
  });

  it('waits only what is left of the delay, and nothing after a success', async () => {
    const clock = fakeClock();
    const backoff = new Backoff(clock);
    await backoff.ready();
    expect(clock.sleeps).toEqual([]);
    backoff.failed();
    backoff.failed();
    await clock.sleep(50);
    await backoff.ready();
    expect(clock.sleeps).toEqual([50, 150]);
    backoff.succeeded();
    await backoff.ready();
    expect(clock.sleeps).toEqual([50, 150]);
  });

  it('refuses a policy that could busy-loop', () => {
    expect(() => new Backoff(fakeClock(), { minMs: 0, maxMs: 10, factor: 2 })).toThrow(RangeError);
    expect(() => new Backoff(fakeClock(), { minMs: 10, maxMs: 5, factor: 2 })).toThrow(RangeError);
  });
});

describe('eviction: the database emptied under a training tab', () => {
  async function evictDuring(snapshotId: string) {
    let evict: ((info: SnapshotPoint) => void) | null = null;
    const ctx = await faultyStore({
      beforeTensorPut: (info) => {
        if (info.snapshotId === snapshotId && info.attempt === 1 && info.index === 0) evict?.(info);
      },
    });
    evict = (info) => {
      dropConnection(info);
      ctx.raw.close();
      ctx.factory.deleteDatabase('test');
    };
    return ctx;
  }

  it('writes the run, its text and a complete snapshot again, and says so', async () => {
    const { store, factory } = await evictDuring('r1-s2');
    await seededRun(store, 'r1', [1]);
    const text = 'ab\nc\n';
    const id = await (
      await import('../../src/shared/hash')
    ).sha256Hex(new TextEncoder().encode(text));
    const dataset = { id, name: 'mine.txt', bytes: new TextEncoder().encode(text) };
    const payload = await makePayload('r1', 2);
    const withText = {
      ...payload,
      manifest: { ...payload.manifest, dataset: { ...payload.manifest.dataset, id } },
    };
    const run = { ...makeRun('r1'), dataset: withText.manifest.dataset };

    const result = await store.commitSnapshot(
      withText,
      { keepLast: 3 },
      { run, dataset, isNew: false },
    );
    expect(result.recovered?.name).toBe('StorageEvictedError');
    expect(result.recovered?.message).toMatch(/stored data was cleared/);
    expect(result.recovered?.message).toMatch(/complete snapshot at step 2 is saved/);
    expect((await store.getRun('r1'))?.latestSnapshotId).toBe('r1-s2');
    expect(await store.getDataset(id)).toEqual(dataset);
    expect(await snapshotIds(store, 'r1')).toEqual(['r1-s2']);
    const { payload: loaded } = await store.loadLatestGood('r1');
    expect(loaded.data.map(bytesOf)).toEqual(payload.data.map(bytesOf));
    expect(factory).toBeDefined();
  });

  it('without the run in hand it throws StorageEvictedError rather than a bare "no run"', async () => {
    const { store } = await evictDuring('r1-s2');
    await seededRun(store, 'r1', [1]);
    const error = await store.commitSnapshot(await makePayload('r1', 2)).catch((e) => e);
    expect(error.name).toBe('StorageEvictedError');
    expect(error.message).toMatch(/written again with the next snapshot/);
  });

  it('a run deleted on purpose (database intact) is never recreated', async () => {
    const { store } = await faultyStore();
    await seededRun(store, 'r1', [1]);
    await store.deleteRun('r1');
    const error = await store
      .commitSnapshot(
        await makePayload('r1', 2),
        { keepLast: 3 },
        {
          run: makeRun('r1'),
          dataset: null,
          isNew: false,
        },
      )
      .catch((e) => e);
    expect(error.name).toBe('RunNotFoundError');
    expect(await store.getRun('r1')).toBeUndefined();
  });
});
