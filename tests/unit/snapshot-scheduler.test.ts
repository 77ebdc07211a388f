import { describe, expect, it } from 'vitest';
import type { SnapshotTrigger } from '../../src/shared/snapshot';
import { SnapshotScheduler } from '../../workers/snapshot/snapshot-scheduler';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SnapshotScheduler', () => {
  it('never runs two snapshots at once and coalesces requests made during one', async () => {
    const scheduler = new SnapshotScheduler<string>();
    const captures: SnapshotTrigger[] = [];
    const persists: ReturnType<typeof deferred<string>>[] = [];
    const tick = () =>
      scheduler.runIfDue(
        (trigger) => captures.push(trigger),
        () => {
          const d = deferred<string>();
          persists.push(d);
          return d.promise;
        },
      );

    const first = scheduler.request('auto');
    expect(tick()).toBe(true);
    // Three requests while the first persists: one snapshot serves them all.
    const second = scheduler.request('auto');
    const third = scheduler.request('manual');
    const fourth = scheduler.request('hidden');
    expect(tick()).toBe(false);
    expect(captures).toEqual(['auto']);
    persists[0]!.resolve('s1');
    expect(await first).toBe('s1');
    await scheduler.idle();
    expect(tick()).toBe(true);
    expect(captures).toEqual(['auto', 'manual']);
    persists[1]!.resolve('s2');
    expect(await Promise.all([second, third, fourth])).toEqual(['s2', 's2', 's2']);
    expect(tick()).toBe(false);
  });

  it('rejects the waiting callers when the persist fails, and recovers', async () => {
    const scheduler = new SnapshotScheduler<string>();
    const failing = scheduler.request('auto');
    scheduler.runIfDue(
      () => null,
      () => Promise.reject(new Error('disk full')),
    );
    await expect(failing).rejects.toThrow('disk full');
    await scheduler.idle();
    const next = scheduler.request('manual');
    expect(
      scheduler.runIfDue(
        () => null,
        () => Promise.resolve('ok'),
      ),
    ).toBe(true);
    expect(await next).toBe('ok');
  });

  it('cancels pending requests', async () => {
    const scheduler = new SnapshotScheduler<string>();
    const pending = scheduler.request('auto');
    scheduler.cancelPending(new Error('run replaced'));
    await expect(pending).rejects.toThrow('run replaced');
    expect(scheduler.hasPending).toBe(false);
  });
});

describe('readChunks', () => {
  it('groups consecutive items up to the chunk size, a larger item alone, order kept', async () => {
    const { readChunks, READ_CHUNK_BYTES: max } =
      await import('../../workers/snapshot/persist-snapshot');
    const sizes = [max / 2, max / 2, 1, max * 3, 10, 20];
    const chunks = readChunks(sizes, (s) => s);
    expect(chunks).toEqual([[max / 2, max / 2], [1], [max * 3], [10, 20]]);
    expect(readChunks([], (s: number) => s)).toEqual([]);
  });
});
