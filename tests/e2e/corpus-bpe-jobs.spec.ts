import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { waitForStep } from './helpers';
import { downloadResults, jobDone, parseLines } from './jobs-helpers';
import { test } from './own-browser';

const MARK = readFileSync(path.join(import.meta.dirname, '../fixtures/text/mark.txt'));
/**
 * A small gpt on Mark's paragraphs in BPE tokens (a vocabulary of 600 learned in the tab),
 * tokenized into token shards (corpus=shards) on WASM; it stops at step 6 so its jobs have the
 * worker to themselves.
 */
const BPE_SHARDS =
  '/?backend=wasm&autostart=0&model=gpt&embed=16&width=64&layers=2&heads=2&context=16' +
  '&batch=4&lr=0.003&seed=4&steps=6&text=prose&separator=blank&tokens=bpe&vocabSize=600' +
  '&corpus=shards&jobCount=400&jobSeed=5&jobMaxLength=24&jobTemperature=1.1';

test('a BPE run on token shards trains, generates across a reload and scores with its own tokenizer', async ({
  ownPage: page,
}) => {
  test.setTimeout(540_000);
  await page.goto(BPE_SHARDS);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page
    .getByLabel('Training text file')
    .setInputFiles({ name: 'mark.txt', mimeType: 'text/plain', buffer: MARK });
  await expect(page.getByTestId('dataset-status')).toHaveText('ready', { timeout: 240_000 });
  await expect(page.getByTestId('dataset-progress')).toHaveText('100');
  // BPE merges bytes: the training split holds fewer tokens than the file has bytes.
  const tokens = Number(
    (await page.getByTestId('dataset-tokens').textContent())!.replace(/,/g, ''),
  );
  expect(tokens).toBeGreaterThan(0);
  expect(tokens).toBeLessThan(MARK.length * 0.8);
  await waitForStep(page, 6);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByLabel('Tokens', { exact: true })).toHaveValue('bpe');

  // Generation on the shard run, reloaded part-way: the run reopens its corpus by address and
  // the job goes on to the same file an uninterrupted job writes.
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-total')).toHaveText('400');
  await expect.poll(() => jobDone(page), { intervals: [50], timeout: 120_000 }).toBeGreaterThan(50);
  const before = await jobDone(page);
  expect(before).toBeLessThan(400);
  await page.reload();
  // Reopened at its spent budget, the run is shown paused (the job goes on meanwhile).
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  await expect(page.getByTestId('error')).toHaveText('');
  await expect.poll(() => jobDone(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(before);
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  const interrupted = await downloadResults(page);
  const rows = parseLines(interrupted) as { index: number; output: string }[];
  expect(rows.map((row) => row.index)).toEqual(Array.from({ length: 400 }, (_, i) => i));
  expect(rows.every((row) => row.output.length > 0)).toBe(true);

  // The first job moves to Earlier jobs once the second starts; a refusal would be named in the
  // error area, so the wait reads both (CI once saw no second job within 60 s, and no reason).
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const earlier = page.getByRole('list', { name: 'Earlier jobs' }).getByRole('listitem');
  await expect
    .poll(async () => [await earlier.count(), await page.getByTestId('error').textContent()], {
      timeout: 120_000,
    })
    .toEqual([1, '']);
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  expect(await downloadResults(page)).toBe(interrupted);

  // Scoring counts the run's BPE tokens: fewer than each line's bytes, bits per byte over bytes.
  const lines = MARK.toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 40)
    .slice(0, 30);
  await page.getByLabel('Score a text file').setInputFiles({
    name: 'mark-lines.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('\n')),
  });
  await expect(page.getByTestId('job-total')).toHaveText('30');
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  const scored = parseLines(await downloadResults(page)) as {
    index: number;
    input: string;
    nll: number;
    tokens: number;
    bits_per_byte: number;
  }[];
  expect(scored).toHaveLength(30);
  for (const [i, row] of scored.entries()) {
    const bytes = new TextEncoder().encode(row.input).length;
    expect(row.input).toBe(lines[i]!.trim());
    expect(row.tokens).toBeGreaterThan(0);
    expect(row.tokens).toBeLessThan(bytes);
    expect(Number.isFinite(row.nll)).toBe(true);
    expect(row.bits_per_byte).toBeCloseTo(row.nll / (bytes * Math.LN2), 12);
  }
});
