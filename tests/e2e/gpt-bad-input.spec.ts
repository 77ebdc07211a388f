import { expect, test, type Page } from '@playwright/test';
import { stepOf, waitForStep } from './helpers';

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

/** A text file handed to the dataset picker. */
async function pick(page: Page, name: string, text: string | Buffer): Promise<void> {
  const buffer = typeof text === 'string' ? Buffer.from(text) : text;
  await page
    .getByLabel('Training text file')
    .setInputFiles({ name, mimeType: 'text/plain', buffer });
}

/**
 * The refusal is named in the error area, and nothing stored changed: still the one run, the
 * same one shown, on its own text, paused where it was.
 */
async function refused(page: Page, name: string, says: RegExp, step: number): Promise<void> {
  await expect(page.getByTestId('error')).toContainText(name);
  await expect(page.getByTestId('error')).toContainText(says);
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-name')).toContainText('mlp on names (bundled)');
  await expect(page.getByTestId('dataset-name')).toHaveText('names (bundled)');
  expect(await stepOf(page)).toBe(step);
}

test('bad input for a language model is refused by name and changes nothing saved', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/?backend=wasm&model=mlp&batch=16&width=32&embed=8&context=3&seed=1');
  await waitForStep(page, 3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const step = await stepOf(page);
  await expect(page.getByTestId('run-item')).toHaveCount(1);

  // An empty file: no mode takes it (the picker says so before reading anything).
  await pick(page, 'empty.txt', '');
  await refused(page, 'TextEmptyError', /"empty.txt" has no text/, step);

  // Over the limit of one example per line (10 MB), which names prose as the way to take it.
  await pick(page, 'big.txt', Buffer.alloc(11 * 1024 * 1024, 'abc\n'));
  await refused(
    page,
    'TextTooLargeError',
    /"big.txt" is 11.0 MB; one example per line takes at most 10.0 MB/,
    step,
  );

  // Prose, a separator asked for and never found.
  await field(page, 'Text').selectOption('prose');
  await field(page, 'Separator').selectOption('literal');
  await field(page, 'Separator text').fill('<|endoftext|>');
  await pick(page, 'story.txt', 'Once upon a time there was a story with no end. '.repeat(40));
  await refused(
    page,
    'SeparatorNotFoundError',
    /the separator "<\|endoftext\|>" never occurs/,
    step,
  );

  // A context longer than the text's validation part (its last tenth: 20 of 200 bytes).
  await field(page, 'Separator').selectOption('none');
  await field(page, 'Context').fill('64');
  await pick(page, 'short.txt', 'x'.repeat(200));
  await refused(
    page,
    'ContextTooLongError',
    /context of 64 tokens is longer than the validation part/,
    step,
  );

  // A model the backend cannot hold, with how much it needs: gpt-mini at batch 16 on WASM.
  await page.getByLabel('Preset').selectOption('gpt-mini');
  await field(page, 'Batch size').fill('16');
  await page.getByRole('button', { name: 'New run' }).click();
  await refused(
    page,
    'ModelTooLargeError',
    /needs about 1\d\.\d GB to train on wasm, which holds at most 4\.0 GB/,
    step,
  );

  // A shape the model cannot build: 5 heads do not divide d_model 96.
  await page.getByLabel('Preset').selectOption('gpt-nano');
  await field(page, 'Heads').fill('5');
  await page.getByRole('button', { name: 'New run' }).click();
  await refused(page, 'ConfigError', /embed \(96\) must be a multiple of heads \(5\)/, step);

  // A prompt outside a character run's alphabet (the names: lower-case letters).
  await page.getByRole('textbox', { name: 'Prompt' }).fill('maÿ');
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await refused(
    page,
    'PromptVocabularyError',
    /"ÿ" \(U\+00FF\), which is not in this run's vocabulary/,
    step,
  );
  await expect(page.getByTestId('sample-status')).toHaveText('');

  // The run itself goes on untouched.
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, step + 3);
  await expect(page.getByTestId('error')).toHaveText('');
});
