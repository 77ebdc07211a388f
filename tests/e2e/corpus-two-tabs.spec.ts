import { expect } from '@playwright/test';
import { rmSync } from 'node:fs';
import { SHARDS, corpusFile } from './generated-corpus';
import { stepOf, waitForStep } from './helpers';
import { test } from './own-browser';

/**
 * Each run's worker holds its corpus's shards open for reading (sync access handles). Opened in
 * the default, exclusive mode, the second tab's run failed with a bare NoModificationAllowedError
 * (and so could a reloaded page whose old worker had not let go yet); read-only handles share.
 */
test('two tabs train two runs on one corpus at once, both reading its shards', async ({
  ownPage: first,
}) => {
  test.setTimeout(300_000);
  const file = corpusFile('corpus-two-tabs', 2, 13);
  try {
    await first.goto(SHARDS);
    await expect(first.getByTestId('status')).toHaveText('idle');
    await first.getByLabel('Training text file').setInputFiles(file);
    await expect(first.getByTestId('dataset-status')).toHaveText('ready', { timeout: 120_000 });
    await waitForStep(first, 3);

    // The second tab watches the first's run, then starts its own on the same file: the corpus
    // is shared (same address), so it reads the shards the first tab's worker has open.
    const second = await first.context().newPage();
    await second.goto(SHARDS);
    await expect(second.getByTestId('status')).toHaveText('watching');
    await second.getByLabel('Training text file').setInputFiles(file);
    await expect(second.getByTestId('dataset-status')).toHaveText('ready', { timeout: 120_000 });
    await expect(second.getByTestId('status')).toHaveText('training');
    await waitForStep(second, 3);
    await expect(second.getByTestId('error')).toHaveText('');

    // Both go on.
    const firstAt = await stepOf(first);
    const secondAt = await stepOf(second);
    await waitForStep(first, firstAt + 2);
    await waitForStep(second, secondAt + 2);
    await expect(first.getByTestId('status')).toHaveText('training');
    await expect(first.getByTestId('error')).toHaveText('');
    await expect(second.getByTestId('error')).toHaveText('');
  } finally {
    rmSync(file, { force: true });
  }
});
