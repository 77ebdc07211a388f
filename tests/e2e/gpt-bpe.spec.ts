import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { waitForStep } from './helpers';

const MARK = readFileSync(path.join(import.meta.dirname, '../fixtures/text/mark.txt'));
/** A small gpt on Mark's paragraphs, read as tokens of a BPE of 600 learned on the text. */
const BPE_GPT =
  'model=gpt&embed=16&width=64&layers=2&heads=2&context=16&batch=4&lr=0.003&seed=4' +
  '&text=prose&separator=blank&tokens=bpe&vocabSize=600';

async function pickMark(page: Page): Promise<void> {
  await page
    .getByLabel('Training text file')
    .setInputFiles({ name: 'mark.txt', mimeType: 'text/plain', buffer: MARK });
}

test('tokens=bpe&vocabSize=N: a gpt trains on a BPE learned in the tab, and the form shows it', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto(`/?backend=cpu&autostart=0&${BPE_GPT}`);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await expect(page.getByLabel('Tokens', { exact: true })).toHaveValue('bpe');
  await expect(page.getByLabel('BPE vocabulary', { exact: true })).toHaveValue('600');
  await pickMark(page);
  await expect(page.getByTestId('notice')).toContainText('New run: gpt on mark.txt');
  await waitForStep(page, 3);

  // A reload resumes with the tokenizer stored with the run (nothing learned or refused).
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await expect
    .poll(async () => Number(await page.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThanOrEqual(3);
  await page.reload();
  await expect(page.getByTestId('notice')).toContainText(/Resuming .* from step \d+/);
  const from = Number(
    /from step (\d+)/.exec((await page.getByTestId('notice').textContent())!)![1],
  );
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, from + 2);
  await expect(page.getByTestId('error')).toHaveText('');
  await expect(page.getByLabel('Tokens', { exact: true })).toHaveValue('bpe');
});

test('a BPE vocabulary out of range is refused by name', async ({ page }) => {
  await page.goto(`/?backend=cpu&autostart=0&${BPE_GPT.replace('vocabSize=600', 'vocabSize=100')}`);
  await expect(page.getByTestId('error')).toContainText('BpeVocabSizeError');
  await expect(page.getByTestId('error')).toContainText('choose a whole number from 512 to 32,768');
});
