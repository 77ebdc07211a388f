import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TINY, pauseAndSnapshot, waitForStep } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TORCH_STEPS = 30;

/** The metadata of a safetensors file: the JSON header's __metadata__. */
function metadataOf(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')).__metadata__;
}

test('a run exported from the page, continued in PyTorch, imports and trains on', async ({
  browser,
}, info) => {
  const first = await browser.newPage();
  await first.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(first, 4);
  const step = await pauseAndSnapshot(first);
  const exported = path.join(info.outputDir, 'browser.safetensors');
  const download = first.waitForEvent('download');
  await first.getByRole('button', { name: 'Export checkpoint' }).click();
  await (await download).saveAs(exported);
  await first.context().close();

  // The run goes on in torch, on the bundled text the page trained on.
  const continued = path.join(info.outputDir, 'torch.safetensors');
  const args = ['-m', 'tabtrainer', 'continue', exported, '--steps', String(TORCH_STEPS)];
  const text = path.join(ROOT, 'workers/training/names.txt');
  const run = spawnSync('python3', [...args, '--text', text, '--out', continued], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
    encoding: 'utf8',
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const meta = metadataOf(continued);
  expect(meta['backend']).toBe('torch-cpu');
  expect(Number(meta['step'])).toBe(step + TORCH_STEPS);

  // A fresh profile imports the torch-written file; the run resumes at torch's step and trains.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/?backend=cpu&${TINY}&autostart=0`);
  await page.getByLabel('Import checkpoint').setInputFiles(continued);
  await expect(page.getByTestId('checkpoint-summary')).toContainText(
    `at step ${step + TORCH_STEPS}`,
  );
  await page.getByRole('button', { name: 'Import as new run' }).click();
  await expect(page.getByTestId('notice')).toContainText(`from step ${step + TORCH_STEPS}`);
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, step + TORCH_STEPS + 3);
  await expect(page.getByTestId('error')).toHaveText('');
});
