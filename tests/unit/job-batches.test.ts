import { beforeAll, describe, expect, it } from 'vitest';
import { rampSize, timedBatchSize } from '../../workers/jobs/job-runner';
import { jobWorld, storedItems } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** More items than two batches can hold, however fast this machine is (a batch is ≤ 1,024). */
const COUNT = 3000;

/** Batch starts of a timed job: `ramp` batches of rampSize(cursor) items, then steps of `size`. */
function timedStarts(ramp: number, size: number): number[] {
  const starts: number[] = [];
  let cursor = 0;
  for (let j = 0; j < ramp && cursor < COUNT; j++, cursor += rampSize(cursor)) starts.push(cursor);
  for (; cursor < COUNT; cursor += size) starts.push(cursor);
  return starts;
}

/** Whether `starts` are a ramp of some length followed by steps of `size`. */
function isRampThenFixed(starts: readonly number[], size: number): boolean {
  return Array.from({ length: 12 }, (_, r) => r + 1).some(
    (ramp) => JSON.stringify(timedStarts(ramp, size)) === JSON.stringify(starts),
  );
}

/** A world whose commits record where each batch started, and can stop the runner after one. */
async function recordingWorld(stopAfter: number | null = null) {
  const starts: number[] = [];
  let stop = (): void => undefined;
  const world = await jobWorld({
    afterBatchWrites: (p) => {
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

  it('a timed job ramps up, fixes its size with a commit, and a later runner keeps both', async () => {
    const { world, starts, onStop } = await recordingWorld(2);
    const job = await world.create({ input: { kind: 'samples', count: COUNT } });
    expect(job.batchSize).toBeNull();
    const first = world.runner();
    onStop(() => first.stop(job.id));
    // Stopped after two commits, as a closing tab stops it: the job stays running.
    expect(await first.run(job.id)).toBe('running');
    expect(starts).toEqual([0, rampSize(0)]);
    // Another runner (a reload, another tab) continues on the same boundaries: the ramp's are a
    // function of the cursor, the fixed size is read from the record.
    expect(await world.runner().run(job.id)).toBe('done');
    const size = (await world.jobs.get(job.id))!.batchSize!;
    expect(size).toBeGreaterThanOrEqual(1);
    expect(size).toBeLessThanOrEqual(1024);
    expect(isRampThenFixed(starts, size)).toBe(true);
    expect((await storedItems(world, job.id)).map((i) => i.index)).toEqual(
      Array.from({ length: COUNT }, (_, i) => i),
    );
  });

  it('ramps by doubling: the batch at cursor c holds c + 8 items, at most 1,024', () => {
    expect([0, 8, 24, 56, 120].map(rampSize)).toEqual([8, 16, 32, 64, 128]);
    expect(rampSize(5000)).toBe(1024);
    expect(timedStarts(3, 100).slice(0, 5)).toEqual([0, 8, 24, 56, 156]);
  });

  it('a runner given a batch size (tests, the bench) overrides the job and fixes nothing new', async () => {
    const { world, starts } = await recordingWorld();
    const job = await world.create({ batchSize: 6 });
    expect(await world.runner({ batchSize: 16 }).run(job.id)).toBe('done');
    expect(starts).toEqual([0, 16, 32]);
    expect((await world.jobs.get(job.id))?.batchSize).toBe(6);
    const timed = await world.create({});
    expect(await world.runner({ batchSize: 16 }).run(timed.id)).toBe('done');
    expect((await world.jobs.get(timed.id))?.batchSize).toBeNull();
  });
});

describe('timedBatchSize', () => {
  it('scales the measured batch to about a second, within 1 and 1,024', () => {
    expect(timedBatchSize(8, 100)).toBe(80);
    expect(timedBatchSize(8, 9000)).toBe(1);
    expect(timedBatchSize(8, 0)).toBe(1024);
    expect(timedBatchSize(8, 1000)).toBe(8);
    expect(timedBatchSize(64, 500)).toBe(128);
  });
});
