import { beforeAll, describe, expect, it } from 'vitest';
import type { JobItem } from '../../src/shared/jobs/job-types';
import type { BatchPoint, FaultHooks } from '../../workers/store/testing';
import { jobWorld, storedItems, type JobWorld } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const COUNT = 40;

async function reference(): Promise<JobItem[]> {
  const world = await jobWorld();
  const job = await world.create({});
  expect(await world.runner({ batchSize: 8 }).run(job.id)).toBe('done');
  return storedItems(world, job.id);
}

type Point = 'beforeTransaction' | 'results' | 'cursor' | 'afterWrites';
const POINTS: Point[] = ['beforeTransaction', 'results', 'cursor', 'afterWrites'];

/** Fails the commit of the batch starting at `at`, once, at `point`, by throwing or aborting. */
function failOnce(point: Point, at: number, how: 'throw' | 'abort'): FaultHooks {
  let armed = true;
  const fire = (p: Omit<BatchPoint, 'abort'> & { abort?: () => void }) => {
    if (!armed || p.from !== at) return;
    armed = false;
    if (how === 'abort' && p.abort) p.abort();
    else throw new Error(`injected failure at ${point}`);
  };
  return {
    beforeBatchTransaction: (p) => point === 'beforeTransaction' && fire(p),
    beforeResultsPut: (p) => point === 'results' && fire(p),
    beforeCursorPut: (p) => point === 'cursor' && fire(p),
    afterBatchWrites: (p) => point === 'afterWrites' && fire(p),
  };
}

async function expectCommittedUpTo(world: JobWorld, jobId: string, n: number, ref: JobItem[]) {
  const job = await world.jobs.get(jobId);
  expect(job?.cursor).toBe(n);
  expect(await storedItems(world, jobId)).toEqual(ref.slice(0, n));
}

describe('a batch commit is all or nothing, and every item is committed exactly once', () => {
  let ref: JobItem[];
  beforeAll(async () => {
    ref = await reference();
    expect(ref.map((item) => item.index)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
  });

  for (const point of POINTS) {
    it(`a commit that throws at ${point} leaves the previous batches only; a new runner completes the job exactly`, async () => {
      const world = await jobWorld(failOnce(point, 16, 'throw'));
      const job = await world.create({});
      expect(await world.runner({ batchSize: 8 }).run(job.id)).toBe('error');
      await expectCommittedUpTo(world, job.id, 16, ref);
      // As after a kill: the job is run again from its stored cursor, batched differently.
      await world.jobs.setState(job.id, 'running', null);
      expect(await world.runner({ batchSize: 5 }).run(job.id)).toBe('done');
      expect(await storedItems(world, job.id)).toEqual(ref);
    });

    if (point === 'beforeTransaction') continue; // no transaction to abort yet
    it(`a transaction aborted at ${point} is retried by the runner and commits once`, async () => {
      const world = await jobWorld(failOnce(point, 24, 'abort'));
      const job = await world.create({});
      expect(await world.runner({ batchSize: 8, retryMs: 1 }).run(job.id)).toBe('done');
      expect(await storedItems(world, job.id)).toEqual(ref);
    });
  }

  it('a batch whose commit went unseen is not written twice, and a stale one is refused', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    const batch = ref.slice(0, 8);
    expect((await world.jobs.commit(job.id, 0, batch)).kind).toBe('committed');
    // The same batch again (a retry after a commit whose success was not seen).
    const again = await world.jobs.commit(job.id, 0, batch);
    expect(again.kind).toBe('committed');
    expect(again.job.cursor).toBe(8);
    // A runner behind the cursor (it would skip or repeat items) writes nothing.
    expect((await world.jobs.commit(job.id, 4, ref.slice(4, 12))).kind).toBe('stale');
    expect((await world.jobs.commit(job.id, 12, ref.slice(12, 16))).kind).toBe('stale');
    await expectCommittedUpTo(world, job.id, 8, ref);
  });

  it('a paused job commits nothing more; resumed, it goes on from its cursor', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    expect((await world.jobs.commit(job.id, 0, ref.slice(0, 8))).kind).toBe('committed');
    await world.jobs.setState(job.id, 'paused', null);
    expect((await world.jobs.commit(job.id, 8, ref.slice(8, 16))).kind).toBe('stopped');
    expect(await world.runner().run(job.id)).toBe('paused');
    await expectCommittedUpTo(world, job.id, 8, ref);
    await world.jobs.setState(job.id, 'running', null);
    expect(await world.runner({ batchSize: 3 }).run(job.id)).toBe('done');
    expect(await storedItems(world, job.id)).toEqual(ref);
  });
});

describe('cursor recovery', () => {
  it('a runner stopped between batches is continued by another to the same results', async () => {
    const ref = await reference();
    let runner: ReturnType<JobWorld['runner']> | null = null;
    let jobId = '';
    const world = await jobWorld({
      afterBatchWrites: (p) => {
        if (p.from === 24) runner?.stop(jobId);
      },
    });
    const job = await world.create({});
    jobId = job.id;
    runner = world.runner({ batchSize: 8 });
    // Stopped by the page (as the tab dies): the job stays running, its cursor after item 31.
    expect(await runner.run(job.id)).toBe('running');
    await expectCommittedUpTo(world, job.id, 32, ref);
    expect(await world.runner({ batchSize: 7 }).run(job.id)).toBe('done');
    expect(await storedItems(world, job.id)).toEqual(ref);
    const stored = await world.jobs.get(job.id);
    expect(stored?.state).toBe('done');
    expect(stored?.cursor).toBe(COUNT);
  });
});

describe('a refused write (a full disk)', () => {
  it('pauses the job with a warning, keeps every committed item, and goes on once writes succeed', async () => {
    const ref = await reference();
    let refusals = 3;
    let runner: ReturnType<JobWorld['runner']> | null = null;
    let jobId = '';
    const warnings: (string | null)[] = [];
    const whileRefused: { name: string; message: string }[] = [];
    const world = await jobWorld({
      beforeBatchTransaction: (p) => {
        if (p.from !== 16 || refusals === 0) return;
        // From the second refusal on, the first one's warning is up.
        const up = runner?.warning(jobId);
        if (up) whileRefused.push(up);
        refusals -= 1;
        // What Chromium reports for a write that failed for lack of space.
        throw new DOMException('Internal error', 'UnknownError');
      },
      afterBatchWrites: () => warnings.push(runner?.warning(jobId)?.message ?? null),
    });
    const job = await world.create({});
    jobId = job.id;
    runner = world.runner({ batchSize: 8, retryMs: 1 });
    const done = runner.run(job.id);
    expect(await done).toBe('done');
    expect(whileRefused).toHaveLength(2);
    expect(whileRefused[0]!.name).toBe('JobStorageError');
    expect(whileRefused[0]!.message).toMatch(
      /The disk is full .*paused at 16 of 40 items, every one of them saved/,
    );
    expect(refusals).toBe(0);
    // The warning clears with the first commit that succeeds.
    expect(runner.warning(job.id)).toBeNull();
    expect(warnings.slice(0, 2)).toEqual([null, null]);
    expect(await storedItems(world, job.id)).toEqual(ref);
  });
});

describe('a batch that fails because the GPU was lost', () => {
  const failing = (): FaultHooks => {
    let armed = true;
    return {
      beforeBatchTransaction: (p) => {
        if (p.from === 16 && armed) {
          armed = false;
          throw new Error('GPUBuffer.mapAsync: device is lost');
        }
      },
    };
  };

  it('leaves the job running at its cursor, and a restarted runner completes it', async () => {
    const ref = await reference();
    const world = await jobWorld(failing());
    const job = await world.create({});
    const lost = world.runner({ batchSize: 8, deviceLost: async () => true });
    expect(await lost.run(job.id)).toBe('running');
    const stored = await world.jobs.get(job.id);
    expect(stored?.state).toBe('running');
    expect(stored?.error).toBeNull();
    await expectCommittedUpTo(world, job.id, 16, ref);
    expect(await world.runner({ batchSize: 8 }).run(job.id)).toBe('done');
    expect(await storedItems(world, job.id)).toEqual(ref);
  });

  it('is the job’s own error when the device is not lost', async () => {
    const world = await jobWorld(failing());
    const job = await world.create({});
    expect(await world.runner({ batchSize: 8, deviceLost: async () => false }).run(job.id)).toBe(
      'error',
    );
    expect((await world.jobs.get(job.id))?.error?.message).toContain('device is lost');
  });
});

describe('results are stored one record per batch and read back by item', () => {
  it('reads any window of items across batch records, in index order', async () => {
    const world = await jobWorld();
    const job = await world.create({ input: { kind: 'samples', count: 15 } });
    const item = (index: number): JobItem => ({
      index,
      input: null,
      output: `o${index}`,
      error: null,
    });
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => item(from + i));
    for (const [from, n] of [
      [0, 5],
      [5, 7],
      [12, 3],
    ] as const) {
      expect((await world.jobs.commit(job.id, from, batch(from, n))).kind).toBe('committed');
    }
    expect(await world.raw.count('jobResults')).toBe(3);
    const indices = async (from: number, limit: number) =>
      (await world.jobs.results(job.id, from, limit)).map((i) => i.index);
    expect(await indices(0, 100)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(await indices(3, 8)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await indices(5, 2)).toEqual([5, 6]);
    expect(await indices(11, 100)).toEqual([11, 12, 13, 14]);
    expect(await indices(15, 10)).toEqual([]);
    expect((await world.jobs.results(job.id, 13, 1))[0]).toEqual(item(13));
  });
});
