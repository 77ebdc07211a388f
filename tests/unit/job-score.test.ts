import { beforeAll, describe, expect, it } from 'vitest';
import { validationLines } from '../../workers/training/dataset';
import { JOB_TEXT, jobWorld, linesOf, storedItems } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

describe("scoring the run's validation lines", () => {
  it("gives a mean NLL per character equal to the page's validation loss (MLP)", async () => {
    const world = await jobWorld();
    // The page's validation loss covers every validation example of this text (fewer than 512).
    expect(linesOf(world).val.targets.length).toBeLessThan(512);
    const valLoss = (await world.session.evaluate()).loss;
    const job = await world.create({ kind: 'score', input: { kind: 'validation' }, params: null });
    expect(job.manifest.itemCount).toBe(validationLines(JOB_TEXT).length);
    expect(await world.runner({ batchSize: 3 }).run(job.id)).toBe('done');
    const done = (await world.jobs.get(job.id))!;
    expect(done.tokenSum).toBe(linesOf(world).val.targets.length);
    const mean = done.nllSum / done.tokenSum;
    // float32 mean on the device against a float64 sum of the same float32 terms.
    expect(Math.abs(mean - valLoss)).toBeLessThan(1e-6 * valLoss);
    expect(mean).not.toBe(0);
    const items = await storedItems(world, job.id);
    expect(items.every((item) => item.tokens === [...item.input!].length + 1)).toBe(true);
  });

  it('scores a line the same in any batch, and a likelier line lower', async () => {
    const world = await jobWorld();
    const text = 'bana\nzzzz\ncanay3\nbana';
    const job = await world.create({
      kind: 'score',
      input: { kind: 'text', name: 't.txt', text },
      params: null,
    });
    expect(await world.runner({ batchSize: 1 }).run(job.id)).toBe('done');
    const items = await storedItems(world, job.id);
    expect(items[0]!.nll).toBe(items[3]!.nll);
    expect(items[0]!.nll! / items[0]!.tokens!).toBeLessThan(items[1]!.nll! / items[1]!.tokens!);
    const again = await world.create({
      kind: 'score',
      input: { kind: 'text', name: 't.txt', text },
      params: null,
    });
    expect(await world.runner({ batchSize: 4 }).run(again.id)).toBe('done');
    expect(await storedItems(world, again.id)).toEqual(items);
  });
});
