import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { JobService } from '../../workers/jobs/job-service';
import { MARK_TEXT, MICRO_GPT_SIZE, TINY_GPT } from './gpt-fixtures';
import { PARAMS, jobWorld, storedItems } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** A gpt on a 512-token BPE of Mark's paragraphs, small enough for jobs on the CPU backend. */
const BPE_GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  ...MICRO_GPT_SIZE,
  layers: 1,
  guard: 0,
  tokens: 'bpe',
  vocabSize: 512,
  separator: 'blank',
});

describe('jobs on a BPE run read text with its stored tokenizer', () => {
  it('scores lines in BPE tokens, each line counting its own bytes', async () => {
    const world = await jobWorld({}, BPE_GPT, MARK_TEXT.slice(0, 20_000));
    await world.snapshot();
    const lines = ['And Jesus said to them,', 'the kingdom of God', 'ÿ 名前 🙂 any bytes'];
    const job = await world.create({
      kind: 'score',
      input: { kind: 'text', name: 't.txt', text: lines.join('\n') },
      params: null,
    });
    expect(await world.runner({ batchSize: 2 }).run(job.id)).toBe('done');
    const items = await storedItems(world, job.id);
    lines.forEach((line, i) => {
      expect(items[i]!.bytes).toBe(new TextEncoder().encode(line).length);
    });
    // Merges learned on Mark make its words fewer tokens than bytes.
    expect(items[0]!.tokens!).toBeLessThan(items[0]!.bytes! / 2);
    const listed = (await new JobService(world.store).list()).find((j) => j.id === job.id)!;
    expect(listed.tokens).toBe('bpe');
    world.session.dispose();
  }, 120_000);

  it('generates text decoded from BPE tokens', async () => {
    const world = await jobWorld({}, BPE_GPT, MARK_TEXT.slice(0, 20_000));
    await world.snapshot();
    const job = await world.create({
      kind: 'generate',
      input: { kind: 'samples', count: 2 },
      params: { ...PARAMS, maxLength: 12 },
    });
    expect(await world.runner({ batchSize: 2 }).run(job.id)).toBe('done');
    const items = await storedItems(world, job.id);
    expect(items.length).toBe(2);
    for (const item of items) expect(item.output!.length).toBeGreaterThan(0);
    world.session.dispose();
  }, 120_000);
});
