import { expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SHARDS, corpusFile } from './generated-corpus';
import { checkpointMetadata, pauseAndSnapshot, waitForStep } from './helpers';
import { test } from './own-browser';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TORCH_STEPS = 3;

/** llm.c's token file header as Export tokens writes it: magic, version, count, our address. */
function headerOf(file: string) {
  const bytes = readFileSync(file);
  return {
    size: bytes.length,
    ints: [0, 1, 2].map((i) => bytes.readInt32LE(4 * i)),
    address: bytes.subarray(12, 44).toString('hex'),
    restIsZero: bytes.subarray(44, 1024).every((b) => b === 0),
  };
}

/** A safetensors file's tensor bytes: what follows its JSON header (metadata left out). */
function tensorBytes(file: string): Buffer {
  const bytes = readFileSync(file);
  return bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)));
}

function continueInTorch(checkpoint: string, flag: string, data: string, out: string): void {
  const args = ['-m', 'tabtrainer', 'continue', checkpoint, '--steps', String(TORCH_STEPS)];
  const run = spawnSync('python3', [...args, flag, data, '--out', out], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
    encoding: 'utf8',
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
}

test("a corpus's Export tokens downloads llm.c's token file, which PyTorch continues the run from", async ({
  ownPage: page,
}, info) => {
  test.setTimeout(300_000);
  // Over 8 Mi tokens: two shards, so the download joins two OPFS files after the header.
  const file = corpusFile('corpus-export', 9, 7);
  await page.goto(SHARDS);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page.getByLabel('Training text file').setInputFiles(file);
  await expect(page.getByTestId('dataset-status')).toHaveText('ready', { timeout: 120_000 });
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 3);
  const step = await pauseAndSnapshot(page);

  const row = page.getByTestId('corpus-row');
  await expect(row.getByTestId('corpus-state')).toHaveText('complete');
  const address = (await row.getAttribute('data-address'))!;
  const tokens = Number((await row.getByTestId('corpus-tokens').textContent())!.replace(/\D/g, ''));
  expect(tokens).toBeGreaterThan(0.95 * statSync(file).size);
  expect(tokens).toBeGreaterThan(2 ** 23); // past the first shard
  const name = path.basename(file);
  const exportTokens = row.getByRole('button', { name: `Export tokens of corpus ${name}` });
  await expect(exportTokens).toBeEnabled();
  const download = page.waitForEvent('download');
  await exportTokens.click();
  const bin = path.join(info.outputDir, 'corpus.bin');
  const saved = await download;
  expect(saved.suggestedFilename()).toBe(name.replace(/\.txt$/, '.byte.bin'));
  await saved.saveAs(bin);
  expect(headerOf(bin)).toEqual({
    size: 1024 + 2 * tokens,
    ints: [20240520, 1, tokens],
    address,
    restIsZero: true,
  });
  await expect(page.getByTestId('error')).toHaveText('');

  // PyTorch continues the run from the downloaded tokens, exactly as from the text.
  const checkpoint = path.join(info.outputDir, 'browser.safetensors');
  const exported = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export checkpoint' }).click();
  await (await exported).saveAs(checkpoint);
  const fromTokens = path.join(info.outputDir, 'tokens.safetensors');
  const fromText = path.join(info.outputDir, 'text.safetensors');
  continueInTorch(checkpoint, '--tokens', bin, fromTokens);
  continueInTorch(checkpoint, '--text', file, fromText);
  expect(Number(checkpointMetadata(fromTokens)['step'])).toBe(step + TORCH_STEPS);
  expect(Number(checkpointMetadata(fromText)['step'])).toBe(step + TORCH_STEPS);
  expect(tensorBytes(fromTokens).equals(tensorBytes(fromText))).toBe(true);
});
