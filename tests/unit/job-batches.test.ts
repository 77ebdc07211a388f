import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_BATCH, timedBatchSize } from '../../workers/jobs/job-runner';
import { jobWorld, storedItems } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** More items than two batches can hold, however fast this machine is (a batch is ≤ 1,024). */
const COUNT = 3000;

/** A world whose commits record where each batch started, and can stop the runner after one. */
async function recordingWorld(stopAfter: number | null = null) {
  const starts: number[] = [];
  let stop = (): void => undefined;
  const world = await jobWorld({
    afterWrites: (p) => {
      starts.push(p.from);
      if (starts.length === stopAfter) stop();
    },
  });
  return { world, starts, onStop: (f: () => void) => (stop = f) };
}

describe('a job keeps one batch size for its life', () => {
  it('a batch size the user chose: every batch starts on a multiple of it', async () => {
    const { world, starts } = await recordingWorld();
    const job = await world.create({ batchSize: 6 });
    expect(await world.runner().run(job.id)).toBe('done');
    expect(starts).toEqual([0, 6, 12, 18, 24, 30, 36]);
    expect((await world.jobs.get(job.id))?.batchSize).toBe(6);
  });

  it('a timed job fixes its size with its first commit, and a later runner keeps it', async () => {
    const { world, starts, onStop } = await recordingWorld(2);
    const job = await world.create({ input: { kind: 'samples', count: COUNT } });
    expect(job.batchSize).toBeNull();
    const first = world.runner();
    onStop(() => first.stop(job.id));
    // Stopped after two commits, as a closing tab stops it: the job stays running.
    expect(await first.run(job.id)).toBe('running');
    const stored = await world.jobs.get(job.id);
    const size = stored!.batchSize!;
    expect(size).toBeGreaterThanOrEqual(1);
    expect(starts).toEqual([0, FIRST_BATCH]);
    expect(stored!.cursor).toBe(FIRST_BATCH + size);
    // Another runner (a reload, another tab) continues on the same boundaries.
    expect(await world.runner().run(job.id)).toBe('done');
    const expected = [0];
    for (let from = FIRST_BATCH; from < COUNT; from += size) expected.push(from);
    expect(starts).toEqual(expected);
    expect((await world.jobs.get(job.id))?.batchSize).toBe(size);
    expect((await storedItems(world, job.id)).map((i) => i.index)).toEqual(
      Array.from({ length: COUNT }, (_, i) => i),
    );
  });

  it('a runner given a batch size (tests, the bench) overrides the job and fixes nothing new', async () => {
    const { world, starts } = await recordingWorld();
    const job = await world.create({ batchSize: 6 });
    expect(await world.runner({ batchSize: 16 }).run(job.id)).toBe('done');
    expect(starts).toEqual([0, 16, 32]);
    expect((await world.jobs.get(job.id))?.batchSize).toBe(6);
  });
});

describe('timedBatchSize', () => {
  it('scales the measured batch to about half a second, within 1 and 1,024', () => {
    expect(timedBatchSize(8, 100)).toBe(40);
    expect(timedBatchSize(8, 4000)).toBe(1);
    expect(timedBatchSize(8, 0)).toBe(1024);
    expect(timedBatchSize(8, 500)).toBe(8);
  });
});
