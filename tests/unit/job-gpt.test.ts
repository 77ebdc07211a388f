import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { generateItems } from '../../workers/jobs/generate-items';
import { JobService } from '../../workers/jobs/job-service';
import { scoreLines } from '../../workers/jobs/score-lines';
import { textCodec } from '../../workers/training/text-codec';
import { MARK_TEXT, MICRO_GPT_SIZE, TINY_GPT } from './gpt-fixtures';
import { PARAMS, jobWorld, storedItems, type JobWorld } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** A byte-level gpt on prose, small enough for jobs on the CPU backend; dropout on. */
const GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  ...MICRO_GPT_SIZE,
  layers: 1,
  dropout: 0.1,
  guard: 0,
});
const PROSE = MARK_TEXT.slice(0, 20_000);

async function gptWorld(config: RunConfig = GPT): Promise<JobWorld> {
  const world = await jobWorld({}, config, PROSE);
  for (let i = 0; i < 4; i++) await world.session.trainStep();
  await world.snapshot();
  return world;
}

const codecOf = (world: JobWorld) => textCodec(world.session.config, world.dataset.data.vocab);

describe('a generation job on a gpt of byte prose', () => {
  it('gives each item the same text in any batch, prompts of any length padded together', async () => {
    const world = await gptWorld();
    const { model } = world.session;
    const codec = codecOf(world);
    const params = { ...PARAMS, maxLength: 24 };
    const all = Array.from({ length: 11 }, (_, i) => i);
    // Prompts shorter and longer than the context (16), and none: rows of every length.
    const prompts = all.map((i) =>
      i % 4 === 0 ? null : 'And Jesus said to them, “Follow me”'.slice(0, i * 4),
    );
    const together = await generateItems(model, codec, params, all, prompts);
    const singly = [];
    for (const i of all)
      singly.push(...(await generateItems(model, codec, params, [i], [prompts[i]!])));
    expect(singly).toEqual(together);
    // Prose runs to the maximum length: 24 bytes each, decoded (a split character as U+FFFD).
    for (const item of together)
      expect(new TextEncoder().encode(item.output).length).toBeGreaterThanOrEqual(20);
    expect(new Set(together.map((item) => item.output)).size).toBe(all.length);
    world.session.dispose();
  });

  it('continues the prompt: at a low temperature its first byte is the model’s likeliest after it', async () => {
    const world = await gptWorld();
    const { model } = world.session;
    const codec = codecOf(world);
    const prompt = 'And he said';
    const ids = [codec.start, ...new TextEncoder().encode(prompt)].slice(-GPT.context);
    const logits = tf.tidy(() => model.nextLogits(tf.tensor2d(ids, [1, ids.length], 'int32')));
    const best = (await logits.argMax(-1).data())[0]!;
    logits.dispose();
    const [item] = await generateItems(
      model,
      codec,
      { ...PARAMS, temperature: 0.01, maxLength: 1 },
      [0],
      [prompt],
    );
    expect(item!.output).toBe(new TextDecoder().decode(Uint8Array.of(best)));
    world.session.dispose();
  });
});

describe('a scoring job on a gpt of byte prose', () => {
  it('gives each line the NLL of its own bytes as the model predicts them, and the bytes they stand for', async () => {
    const world = await gptWorld();
    const { model } = world.session;
    const codec = codecOf(world);
    // Shorter and longer than the context: the long one's later bytes slide the window.
    const lines = ['Jesus wept.', 'And the disciples came to him privately, saying, “Tell us.”'];
    const items = await scoreLines(model, codec, [0, 1], lines);
    for (const [r, line] of lines.entries()) {
      const seq = [codec.start, ...new TextEncoder().encode(line)];
      // One forward per prediction, from at most `context` tokens before it: the definition.
      let nll = 0;
      for (let p = 1; p < seq.length; p++) {
        const window = seq.slice(Math.max(0, p - GPT.context), p);
        const lp = tf.tidy(() =>
          tf.logSoftmax(model.nextLogits(tf.tensor2d(window, [1, window.length], 'int32'))),
        );
        nll -= (await lp.data())[seq[p]!]!;
        lp.dispose();
      }
      expect(items[r]!.tokens).toBe(seq.length - 1);
      expect(items[r]!.bytes).toBe(new TextEncoder().encode(line).length);
      expect(Math.abs(items[r]!.nll! - nll)).toBeLessThan(1e-9 * nll);
    }
    world.session.dispose();
  });

  it('scores the same in any batch, and the job says its mean in nats per byte and bits per byte', async () => {
    const world = await gptWorld();
    const text = [
      'Jesus wept.',
      'zzzzqqqq',
      'And he said to them,',
      'ÿ 名前 🙂 any bytes at all',
    ].join('\n');
    const ask = () =>
      world.create({ kind: 'score', input: { kind: 'text', name: 't.txt', text }, params: null });
    const one = await ask();
    expect(await world.runner({ batchSize: 1 }).run(one.id)).toBe('done');
    const all = await ask();
    expect(await world.runner({ batchSize: 4 }).run(all.id)).toBe('done');
    const items = await storedItems(world, one.id);
    expect(await storedItems(world, all.id)).toEqual(items);
    const done = (await world.jobs.get(one.id))!;
    expect(done.byteSum).toBe(items.reduce((sum, item) => sum + item.bytes!, 0));
    expect(done.tokenSum).toBe(done.byteSum);
    const listed = (await new JobService(world.store).list()).find((j) => j.id === one.id)!;
    expect(listed.tokens).toBe('byte');
    expect(listed.bitsPerByte).toBeCloseTo(done.nllSum / (done.byteSum! * Math.LN2), 12);
    world.session.dispose();
  });

  it("refuses to score a prose run's validation lines, by name, writing nothing", async () => {
    const world = await gptWorld();
    await expect(
      world.create({ kind: 'score', input: { kind: 'validation' }, params: null }),
    ).rejects.toMatchObject({
      name: 'JobRunKindError',
      message: expect.stringMatching(/Score a text file/),
    });
    expect(await world.jobs.list()).toEqual([]);
    world.session.dispose();
  });
});

describe('a job on a character-level prose run', () => {
  it('refuses a prompt with a character outside its alphabet, naming the line', async () => {
    const world = await jobWorld({}, { ...GPT, tokens: 'char' }, PROSE);
    await expect(
      world.create({
        input: { kind: 'prompts', name: 'p.txt', text: 'And he\nsaid 名' },
        params: PARAMS,
      }),
    ).rejects.toMatchObject({
      name: 'JobVocabularyError',
      message: expect.stringMatching(/Line 2 of "p.txt" holds "名"/),
    });
    expect(await world.jobs.list()).toEqual([]);
    world.session.dispose();
  });
});
