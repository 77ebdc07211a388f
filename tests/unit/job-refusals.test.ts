import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_CONFIG, jobWorld, storedItems } from './job-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

describe('a job whose model or input changed refuses to continue', () => {
  it('names a tensor whose hash differs from the manifest', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    const stored = (await world.raw.get('jobs', job.id))!;
    const hashes = { ...stored.manifest.tensorSha256, 'model/emb': '0'.repeat(64) };
    await world.raw.put('jobs', {
      ...stored,
      manifest: { ...stored.manifest, tensorSha256: hashes },
    });
    expect(await world.runner().run(job.id)).toBe('error');
    const failed = await world.jobs.get(job.id);
    expect(failed?.error?.name).toBe('JobModelMismatchError');
    expect(failed?.error?.message).toMatch(
      /model\/emb has SHA-256 [0-9a-f]{12}…, not 000000000000…/,
    );
    expect(failed?.cursor).toBe(0);
  });

  it('refuses a snapshot whose stored bytes were damaged', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    const row = (await world.raw.get('tensors', [job.snapshotId, 'model/emb']))!;
    const bytes = new Uint8Array(await new Blob([row.data]).arrayBuffer());
    bytes[0]! ^= 1;
    await world.raw.put('tensors', { ...row, data: new Blob([bytes]) });
    expect(await world.runner().run(job.id)).toBe('error');
    const failed = await world.jobs.get(job.id);
    expect(failed?.error?.name).toBe('JobModelMismatchError');
    expect(failed?.error?.message).toContain('no longer matches what the job started with');
  });

  it('names an input that no longer hashes to the manifest', async () => {
    const world = await jobWorld();
    const job = await world.create({
      kind: 'score',
      input: { kind: 'text', name: 'mine.txt', text: 'bana\ncanax\n' },
      params: null,
    });
    await world.raw.put('jobInputs', { jobId: job.id, lines: ['bana', 'canay'] });
    expect(await world.runner().run(job.id)).toBe('error');
    const failed = await world.jobs.get(job.id);
    expect(failed?.error?.name).toBe('JobInputMismatchError');
    expect(failed?.error?.message).toContain('"mine.txt" changed');
  });
});

describe('bad input is refused with a named error before anything is written', () => {
  const cases: [
    string,
    Parameters<Awaited<ReturnType<typeof jobWorld>>['create']>[0],
    string,
    RegExp,
  ][] = [
    [
      'an empty prompts file',
      { input: { kind: 'prompts', name: 'p.txt', text: '\n  \n' } },
      'JobInputEmptyError',
      /"p.txt" has no non-empty line/,
    ],
    [
      'a character outside the vocabulary',
      { input: { kind: 'prompts', name: 'p.txt', text: 'ban\nbaQn' } },
      'JobVocabularyError',
      /Line 2 of "p.txt" holds "Q" \(U\+0051\)/,
    ],
    [
      'too many lines',
      {
        kind: 'score',
        params: null,
        input: { kind: 'text', name: 't.txt', text: 'a\n'.repeat(100_001) },
      },
      'JobInputTooLargeError',
      /"t.txt" \(lines\) is 100,001; a job takes at most 100,000/,
    ],
    [
      'an oversized file',
      {
        kind: 'score',
        params: null,
        input: { kind: 'text', name: 't.txt', text: 'a'.repeat(11 * 1024 * 1024) },
      },
      'JobInputTooLargeError',
      /\(characters\) is 11,534,336/,
    ],
    [
      'a count of 0',
      { input: { kind: 'samples', count: 0 } },
      'JobParamError',
      /Count must be a whole number between 1 and 100000; got 0/,
    ],
    [
      'a count over 100,000',
      { input: { kind: 'samples', count: 100_001 } },
      'JobParamError',
      /Count/,
    ],
    [
      'a batch size over 1,024',
      { batchSize: 1025 },
      'JobParamError',
      /Items per batch must be a whole number between 1 and 1024; got 1025/,
    ],
    ['a fractional batch size', { batchSize: 2.5 }, 'JobParamError', /Items per batch/],
    [
      'a length of 0',
      { params: { temperature: 1, topK: 0, maxLength: 0, seed: 1 } },
      'JobParamError',
      /Maximum length/,
    ],
    [
      'a temperature of 0',
      { params: { temperature: 0, topK: 0, maxLength: 5, seed: 1 } },
      'JobParamError',
      /Temperature must be between 0.01 and 10; got 0/,
    ],
    [
      'a seed out of range',
      { params: { temperature: 1, topK: 0, maxLength: 5, seed: -1 } },
      'JobParamError',
      /Job seed/,
    ],
  ];
  for (const [what, request, name, message] of cases) {
    it(what, async () => {
      const world = await jobWorld();
      const error = await world.create(request).catch((e: Error) => e);
      expect(error).toMatchObject({ name });
      expect((error as Error).message).toMatch(message);
      expect(await world.raw.count('jobs')).toBe(0);
      expect(await world.raw.count('jobInputs')).toBe(0);
    });
  }
});

describe("a job's snapshot", () => {
  it('is kept by retention while the job exists, and cannot be deleted', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    for (let i = 0; i < 4; i++) {
      await world.session.trainStep();
      await world.snapshot(); // keepLast 2: without the job, the first would go
    }
    const ids = (await world.store.listSnapshots(world.run.id)).map((s) => s.id);
    expect(ids).toContain(job.snapshotId);
    expect(ids).toHaveLength(3);
    await expect(world.store.deleteSnapshot(job.snapshotId)).rejects.toMatchObject({
      name: 'SnapshotInUseError',
    });
    await world.jobs.remove(job.id);
    await world.session.trainStep();
    await world.snapshot();
    const after = (await world.store.listSnapshots(world.run.id)).map((s) => s.id);
    expect(after).not.toContain(job.snapshotId);
  });

  it('goes with its run, and so do the jobs', async () => {
    const world = await jobWorld();
    const job = await world.create({});
    expect(await world.runner({ batchSize: 16 }).run(job.id)).toBe('done');
    await world.store.deleteRun(world.run.id);
    expect(await world.raw.count('jobs')).toBe(0);
    expect(await world.raw.count('jobResults')).toBe(0);
  });
});

describe('a job on a run of byte tokens, one example per line', () => {
  it('runs: its prompts and lines are bytes, its validation lines score', async () => {
    const world = await jobWorld({}, { ...JOB_CONFIG, tokens: 'byte' });
    const job = await world.create({ input: { kind: 'prompts', name: 'p.txt', text: 'ba\nzoë' } });
    expect(await world.runner({ batchSize: 2 }).run(job.id)).toBe('done');
    const scored = await world.create({
      kind: 'score',
      input: { kind: 'validation' },
      params: null,
    });
    expect(await world.runner({ batchSize: 4 }).run(scored.id)).toBe('done');
    const items = await storedItems(world, scored.id);
    // Each line's bytes and its end of line are predicted, a byte each.
    for (const item of items) {
      expect(item.tokens).toBe(new TextEncoder().encode(item.input!).length + 1);
      expect(item.bytes).toBe(item.tokens);
    }
  });
});
