import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { downloadResults, jobDone, parseLines } from './jobs-helpers';

// A gpt on byte prose (the bundled names read as one stream) that stops at step 3, so the jobs
// have the worker to themselves; its jobs sample with temperature, top-k and top-p.
const GPT = 'model=gpt&embed=16&width=32&layers=1&heads=2&context=8&batch=4&seed=2&steps=3';
// 1,000 items on WASM: a reload after 200 leaves most of the job to resume.
const JOBS = 'jobCount=1000&jobSeed=5&jobMaxLength=40&jobTemperature=1.2&jobTopK=50&jobTopP=0.9';
const URL = `/?backend=wasm&${GPT}&${JOBS}`;

async function ready(page: Page): Promise<void> {
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
}

test('a gpt job generates across a reload, its file the same as an uninterrupted one; a score gives NLL and bits per byte', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await ready(page);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-total')).toHaveText('1000');
  await expect(page.getByTestId('job-status')).toHaveText('running');
  await expect
    .poll(() => jobDone(page), { intervals: [50], timeout: 120_000 })
    .toBeGreaterThan(200);
  const before = await jobDone(page);
  expect(before).toBeLessThan(1000);
  await page.reload();
  await expect.poll(() => jobDone(page)).toBeGreaterThanOrEqual(before);
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  const interrupted = await downloadResults(page);
  const rows = parseLines(interrupted) as { index: number; output: string }[];
  expect(rows.map((row) => row.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  // Prose runs to the maximum length: 40 bytes an item, shown as text.
  expect(rows.every((row) => new TextEncoder().encode(row.output).length >= 30)).toBe(true);
  expect(new Set(rows.map((row) => row.output)).size).toBeGreaterThan(966);

  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Earlier jobs' }).getByRole('listitem')).toHaveCount(
    1,
  );
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  expect(await downloadResults(page)).toBe(interrupted);

  // Scoring prose lines: each line's bytes, in nats and in bits per byte.
  const mark = readFileSync(path.join(import.meta.dirname, '../fixtures/text/mark.txt'), 'utf8');
  const lines = mark
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, 40);
  await page.getByLabel('Score a text file').setInputFiles({
    name: 'mark-lines.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('\n')),
  });
  await expect(page.getByTestId('job-total')).toHaveText('40');
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 300_000 });
  await expect(page.getByTestId('job-mean-nll')).toContainText('nats per byte');
  await expect(page.getByTestId('job-mean-nll')).toContainText('bits per byte');
  const scored = parseLines(await downloadResults(page)) as {
    index: number;
    input: string;
    nll: number;
    tokens: number;
    bits_per_byte: number;
  }[];
  for (const [i, row] of scored.entries()) {
    expect(row.input).toBe(lines[i]!.trim());
    expect(row.tokens).toBe(new TextEncoder().encode(row.input).length);
    expect(row.bits_per_byte).toBeCloseTo(row.nll / (row.tokens * Math.LN2), 12);
  }
});
