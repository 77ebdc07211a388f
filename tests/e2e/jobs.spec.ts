import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { Prng } from '../../src/shared/prng';
import { stepOf, waitForStep } from './helpers';
import { downloadResults, jobDone, parseLines } from './jobs-helpers';

const MODEL = 'model=mlp&batch=16&width=128&embed=16&context=8&seed=1&steps=2';
const url = (count: number) =>
  `${BASE_URL}/?backend=cpu&${MODEL}&jobCount=${count}&jobSeed=5&jobMaxLength=64&jobTemperature=1.5`;

/** A text of `lines` lines drawn from the names' letters (every one in the model's vocabulary). */
function lettersFile(lines: number): string {
  const prng = Prng.fromSeed(77);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: lines }, () =>
    Array.from({ length: 3 + prng.nextInt(8) }, () => letters[prng.nextInt(26)]).join(''),
  ).join('\n');
}

async function ready(page: Page, count = 2000): Promise<void> {
  await page.goto(url(count));
  await expect(page.getByTestId('status')).toHaveText(/paused|watching/, { timeout: 120_000 });
}

async function scoreFile(page: Page, text: string): Promise<void> {
  await page.getByLabel('Score a text file').setInputFiles({
    name: 'letters.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(text),
  });
}

test('a scoring job goes on by itself across a reload, and its file equals an uninterrupted one', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const lines = 10_000;
  const text = lettersFile(lines);
  await ready(page);
  await scoreFile(page, text);
  await expect(page.getByTestId('job-total')).toHaveText(String(lines));
  await expect(page.getByTestId('job-status')).toHaveText('running');
  await expect.poll(() => jobDone(page), { intervals: [50] }).toBeGreaterThan(1000);
  const before = await jobDone(page);
  expect(before).toBeLessThan(lines);
  await page.reload();
  await expect.poll(() => jobDone(page)).toBeGreaterThanOrEqual(before);
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 240_000 });
  await expect(page.getByTestId('job-mean-nll')).toContainText('nats per character');
  const interrupted = await downloadResults(page);
  const rows = parseLines(interrupted) as { index: number; input: string; nll: number }[];
  expect(rows.map((row) => row.index)).toEqual(Array.from({ length: lines }, (_, i) => i));
  expect(rows.every((row) => Number.isFinite(row.nll) && row.nll > 0)).toBe(true);
  expect(rows[0]!.input).toBe(text.split('\n')[0]);

  await scoreFile(page, text);
  const earlier = page.getByRole('list', { name: 'Earlier jobs' }).getByRole('listitem');
  await expect(earlier).toHaveCount(1);
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 240_000 });
  expect(await downloadResults(page)).toBe(interrupted);
});

test('a file with a character outside the vocabulary is refused, by name, and writes no job', async ({
  page,
}) => {
  await ready(page);
  await scoreFile(page, 'anna\nzoë\n');
  await expect(page.getByTestId('error')).toContainText(
    'JobVocabularyError: Line 2 of "letters.txt" holds "ë"',
  );
  await expect(page.getByTestId('job-current')).toHaveText('No jobs yet.');
});

test('two tabs: one runs the job, the other watches its progress and takes over when it closes', async ({
  context,
}) => {
  test.setTimeout(300_000);
  // Long enough that it is still running when the first tab closes.
  const total = 8000;
  const first = await context.newPage();
  await ready(first, total);
  await first.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(first.getByTestId('job-where')).toHaveAttribute('data-where', 'here');

  const second = await context.newPage();
  await ready(second, total);
  await expect(second.getByTestId('job-status')).toHaveText('running');
  await expect(second.getByTestId('job-where')).toHaveAttribute('data-where', 'elsewhere');
  // The watching tab's count follows the running tab's commits.
  const seen = await jobDone(second);
  await expect.poll(() => jobDone(second)).toBeGreaterThan(seen);

  const left = await jobDone(second);
  expect(left).toBeLessThan(total - 1000);
  await first.close();
  await expect(second.getByTestId('job-where')).toHaveAttribute('data-where', 'here');
  await expect.poll(() => jobDone(second)).toBeGreaterThan(left);
  await expect(second.getByTestId('job-status')).toHaveText('done', { timeout: 240_000 });
  const rows = parseLines(await downloadResults(second));
  expect(rows.map((row) => row.index)).toEqual(Array.from({ length: total }, (_, i) => i));
});

test('a job on an older listed snapshot, and one on an imported checkpoint file, equal to the same job on the same snapshot', async ({
  browser,
}, info) => {
  test.setTimeout(300_000);
  const small = `${BASE_URL}/?backend=cpu&model=mlp&batch=16&width=32&embed=8&context=3&seed=1&jobCount=25&jobSeed=9&jobMaxLength=20`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(small);
  const pauseAt = async (steps: number) => {
    await waitForStep(page, steps);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('status')).toHaveText('paused');
    const step = await stepOf(page);
    // Pausing commits the paused state.
    await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(step));
    return step;
  };
  const older = await pauseAt(3);
  await page.getByRole('button', { name: 'Start' }).click();
  const newer = await pauseAt(older + 5);
  const olderId = await page
    .locator(`[data-testid="snapshot-row"][data-step="${older}"]`)
    .getAttribute('data-snapshot-id');
  await page.getByLabel('Job model').selectOption(olderId!);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-current')).toContainText(`snapshot at step ${older}`);
  await expect(page.getByTestId('job-status')).toHaveText('done');
  expect(parseLines(await downloadResults(page))).toHaveLength(25);

  // The newest snapshot (the default) in this profile, then the same model as a file in a
  // fresh profile: imported, then a job on it. The two files are the same bytes.
  await page.getByLabel('Job model').selectOption('');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-current')).toContainText(`snapshot at step ${newer}`);
  await expect(page.getByTestId('job-status')).toHaveText('done');
  const here = await downloadResults(page);
  const file = path.join(info.outputDir, 'newer.safetensors');
  const exported = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export checkpoint' }).click();
  await (await exported).saveAs(file);

  const other = await (await browser.newContext()).newPage();
  await other.goto(`${small}&autostart=0`);
  await expect(other.getByTestId('status')).toHaveText('idle');
  await other.getByLabel('Import checkpoint').setInputFiles(file);
  await other.getByRole('button', { name: 'Import as new run' }).click();
  await expect(other.getByTestId('notice')).toContainText(`from step ${newer}`);
  await other.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(other.getByTestId('job-current')).toContainText(`snapshot at step ${newer}`);
  await expect(other.getByTestId('job-status')).toHaveText('done');
  expect(await downloadResults(other)).toBe(here);
});
