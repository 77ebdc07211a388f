import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { DEFAULT_SAMPLE, type SampleEvent, type SampleRequest } from '../../src/shared/sampling';
import { PromptSampler } from '../../workers/training/prompt-sampler';
import { TrainingSession } from '../../workers/training/session';
import { MARK_TEXT, TINY_GPT, proseOf } from './gpt-fixtures';
import { bytesOf, dataset as names, snapshotOf, tinyMlp, train } from './training-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

/** A byte-level gpt small enough to sample quickly, with dropout on (sampling never drops). */
const GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  embed: 16,
  width: 64,
  layers: 1,
  dropout: 0.1,
});
const PROSE = proseOf(GPT, MARK_TEXT.slice(0, 30_000));

const request = (overrides: Partial<SampleRequest> = {}): SampleRequest => ({
  ...DEFAULT_SAMPLE,
  prompt: 'And Jesus said',
  length: 40,
  ...overrides,
});

/** Starts a sample and resolves with its events once it ends. */
function sampled(sampler: PromptSampler, session: TrainingSession, req: SampleRequest) {
  const events: SampleEvent[] = [];
  let started!: { step: number };
  const ended = new Promise<SampleEvent[]>((resolve) => {
    started = sampler.start(session, req, (event) => {
      events.push(event);
      if (event.type === 'end') resolve(events);
    });
  });
  return { started, ended };
}

const textOf = (events: readonly SampleEvent[]) =>
  events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe('a sample with a prompt', () => {
  it('streams decoded text, and the same seed at the same step gives the same text', async () => {
    const session = TrainingSession.create(GPT, PROSE);
    await train(session, 3);
    const sampler = new PromptSampler();
    const first = sampled(sampler, session, request());
    expect(first.started.step).toBe(3);
    const events = await first.ended;
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(events.at(-1)).toEqual({ type: 'end', reason: 'length', tokens: 40 });
    // Byte tokens: 40 bytes shown through the streaming decoder, never throwing on a split one.
    const text = textOf(events);
    expect(text.length).toBeGreaterThan(0);
    expect(textOf(await sampled(sampler, session, request()).ended)).toBe(text);
    expect(textOf(await sampled(sampler, session, request({ seed: 2 })).ended)).not.toBe(text);
    session.dispose();
  });

  it('draws from the weights it was asked at while training goes on, and changes nothing of the run', async () => {
    const straight = TrainingSession.create(GPT, PROSE);
    await train(straight, 2);
    const still = await sampled(new PromptSampler(), straight, request({ length: 60 })).ended;
    await train(straight, 5);
    const expected = await snapshotOf(straight);

    const busy = TrainingSession.create(GPT, PROSE);
    await train(busy, 2);
    const running = sampled(new PromptSampler(), busy, request({ length: 60 }));
    // The sample and the steps interleave at every readback.
    await train(busy, 5);
    const events = await running.ended;
    const actual = await snapshotOf(busy);

    expect(textOf(events)).toBe(textOf(still));
    expect({ ...actual.host, trainingMs: 0 }).toEqual({ ...expected.host, trainingMs: 0 });
    const want = bytesOf(expected.tensors);
    for (const [name, bytes] of bytesOf(actual.tensors))
      expect(bytes, name).toEqual(want.get(name));
    straight.dispose();
    busy.dispose();
  });

  it('is stopped by the next one', async () => {
    const session = TrainingSession.create(GPT, PROSE);
    const sampler = new PromptSampler();
    const first = sampled(sampler, session, request({ length: 500 }));
    const second = sampled(sampler, session, request({ length: 3 }));
    expect((await first.ended).at(-1)).toMatchObject({ type: 'end', reason: 'stopped' });
    expect((await second.ended).at(-1)).toMatchObject({ type: 'end', reason: 'length', tokens: 3 });
    session.dispose();
  });

  it('on a run of lines stops at the end of its line', async () => {
    const session = TrainingSession.create({ ...tinyMlp, seed: 3 }, names);
    await train(session, 30);
    const sampler = new PromptSampler();
    const ends = [];
    for (let seed = 0; seed < 5; seed++) {
      const events = await sampled(sampler, session, request({ prompt: 'ma', seed, length: 60 }))
        .ended;
      ends.push(events.at(-1));
      expect(textOf(events)).not.toContain('\n');
    }
    expect(ends.some((e) => e?.type === 'end' && e.reason === 'document')).toBe(true);
    session.dispose();
  });
});

describe('a refused sample', () => {
  const session = () => TrainingSession.create(tinyMlp, names);

  it.each([
    [
      'a character outside a char run’s alphabet',
      { prompt: 'maÿ' },
      'PromptVocabularyError',
      /"ÿ" \(U\+00FF\)/,
    ],
    ['a line break in a run of lines', { prompt: 'ma\nry' }, 'PromptVocabularyError', /line break/],
    ['top-p 0', { topP: 0 }, 'SampleParamError', /Top-p must be between 0.001 and 1/],
    ['a length of 0', { length: 0 }, 'SampleParamError', /Length/],
    ['a temperature of 0', { temperature: 0 }, 'SampleParamError', /Temperature/],
    ['top-k over the vocabulary', { topK: 1000 }, 'SampleParamError', /Top-k/],
    ['a prompt over the limit', { prompt: 'a'.repeat(10_001) }, 'PromptTooLongError', /10,001/],
  ])('%s is named and starts nothing', (_, overrides, name, message) => {
    const s = session();
    const heard: SampleEvent[] = [];
    expect(() => new PromptSampler().start(s, request(overrides), (e) => heard.push(e))).toThrow(
      expect.objectContaining({ name, message: expect.stringMatching(message) }),
    );
    expect(heard).toEqual([]);
    s.dispose();
  });

  it('takes any text on a byte run: invalid characters for a char run are bytes here', async () => {
    const s = TrainingSession.create(GPT, PROSE);
    const events = await sampled(
      new PromptSampler(),
      s,
      request({ prompt: 'ÿ 名前 🙂', length: 5 }),
    ).ended;
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'length', tokens: 5 });
    s.dispose();
  });
});
