import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { TINY, pauseAndSnapshot, waitForStep } from './helpers';
import { test } from './own-browser';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/malformed');

/** The metadata of a safetensors file: the JSON header's __metadata__. */
function metadataOf(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  return header.__metadata__;
}

async function exportFile(page: Page, button: string, file: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).first().click();
  const done = await download;
  await done.saveAs(file);
  return done.suggestedFilename();
}

test('export, import by input and by drop, on another backend: the run resumes at its step', async ({
  ownBrowser: browser,
}, info) => {
  const first = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  await first.goto(`/?backend=webgpu&${TINY}`);
  await waitForStep(first, 6);
  const step = await pauseAndSnapshot(first);
  const exported = path.join(info.outputDir, 'a.safetensors');
  const suggested = await exportFile(first, 'Export checkpoint', exported);
  expect(suggested).toMatch(new RegExp(`-step${step}\\.safetensors$`));
  const meta = metadataOf(exported);
  expect(meta['format']).toBe('tab-trainer/3');
  expect(Number(meta['step'])).toBe(step);
  await first.context().close();

  // A fresh profile (a new context) on the CPU backend: import through the file input.
  const page = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  await page.goto(`/?backend=cpu&${TINY}&autostart=0`);
  await page.getByLabel('Import checkpoint').setInputFiles(exported);
  await expect(page.getByTestId('checkpoint-summary')).toContainText(`at step ${step}`);
  await page.getByRole('button', { name: 'Import as new run' }).click();
  await expect(page.getByTestId('notice')).toContainText(`from step ${step}`);
  await expect(page.getByTestId('backend')).toHaveText('cpu');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');

  // The imported run's first snapshot is the file's state, bit for bit.
  const again = path.join(info.outputDir, 'b.safetensors');
  await exportFile(page, `Export snapshot at step ${step}`, again);
  const metaAgain = metadataOf(again);
  for (const key of ['sha256', 'step', 'rng', 'data_cursor', 'optimizer', 'config']) {
    expect(metaAgain[key], key).toBe(meta[key]);
  }

  // By drop, then a reload resumes the imported run at its step.
  const dt = await page.evaluateHandle(
    ([bytes, name]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name));
      return transfer;
    },
    [[...readFileSync(exported)], 'dropped.safetensors'] as const,
  );
  await page.getByTestId('checkpoint-drop-zone').dispatchEvent('drop', { dataTransfer: dt });
  await page.getByRole('button', { name: 'Import as new run' }).click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('notice')).toContainText(`from step ${step}`);
  await page.reload();
  await expect(page.getByTestId('notice')).toContainText(/Resuming .*imported.* from step/);
  await waitForStep(page, step + 2);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a bad file is refused with its named error and the snapshots stay as they were', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 2);
  await pauseAndSnapshot(page);
  const rows = page.getByTestId('snapshot-row');
  const before = await rows.evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-snapshot-id')),
  );
  const cases: [string, string][] = [
    ['flipped-bit.safetensors', 'CheckpointIntegrityError'],
    ['future-version.safetensors', 'CheckpointVersionError'],
    ['header-not-json.safetensors', 'CheckpointFormatError'],
  ];
  for (const [file, name] of cases) {
    await page.getByLabel('Import checkpoint').setInputFiles(path.join(fixtures, file));
    await expect(page.getByTestId('error')).toContainText(name);
    await expect(page.getByRole('button', { name: 'Import as new run' })).toBeHidden();
  }
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  expect(
    await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-snapshot-id'))),
  ).toEqual(before);
});

test('a new run from a snapshot, with a new learning rate and a fresh optimizer', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 3);
  const step = await pauseAndSnapshot(page);
  await page.getByRole('button', { name: `Fine-tune from step ${step}` }).click();
  await expect(page.getByTestId('checkpoint-summary')).toContainText(`at step ${step}`);
  await expect(page.getByRole('button', { name: 'Import as new run' })).toBeHidden();
  await page.getByLabel('New learning rate').fill('0.001');
  await page.getByLabel('Reset optimizer state').check();
  await page.getByRole('button', { name: 'New run from this checkpoint' }).click();
  await expect(page.getByTestId('notice')).toContainText(`(fork, lr 0.001) from step ${step}`);
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.001');
  await waitForStep(page, step + 2);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('Replace current run, after a confirmation, swaps the run for the imported one', async ({
  page,
}, info) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 3);
  const step = await pauseAndSnapshot(page);
  const file = path.join(info.outputDir, 'replace.safetensors');
  await exportFile(page, 'Export checkpoint', file);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, step + 3);
  const original = await page.getByTestId('run-item').getAttribute('data-run-id');

  await page.getByLabel('Import checkpoint').setInputFiles(file);
  page.once('dialog', (dialog) => void dialog.dismiss());
  await page.getByRole('button', { name: 'Replace current run' }).click();
  await expect(page.getByTestId('run-item')).toHaveAttribute('data-run-id', original!);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Replace current run' }).click();
  await expect(page.getByTestId('notice')).toContainText(`from step ${step}`);
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-item')).not.toHaveAttribute('data-run-id', original!);
  await expect(page.getByTestId('run-item')).toContainText('(imported)');
});
