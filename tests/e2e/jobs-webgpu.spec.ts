import { expect, type Page } from '@playwright/test';
import { test } from './own-browser';
import { BASE_URL } from '../../playwright.config';
import { downloadResults, jobDone, parseLines } from './jobs-helpers';

const MODEL = 'model=mlp&batch=16&width=128&embed=16&context=8&seed=1&steps=2';
const JOB = 'jobCount=60&jobSeed=3&jobMaxLength=16&jobTemperature=1.2&jobBatch=16';
const url = (backend: string) => `${BASE_URL}/?backend=${backend}&${MODEL}&${JOB}`;

async function generated(page: Page, interrupt: boolean): Promise<string> {
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('job-status')).toHaveText(/running|done/);
  if (interrupt) {
    await expect.poll(() => jobDone(page), { intervals: [50] }).toBeGreaterThan(0);
    await page.reload();
  }
  await expect(page.getByTestId('job-status')).toHaveText('done', { timeout: 240_000 });
  return downloadResults(page);
}

// On WebGPU a row's logits can round differently with the shape of the batch it is computed in.
// A job keeps one batch size for its life (fixed by the user here, `jobBatch`; by its first
// batch's time otherwise) and its batches fall on the same item boundaries after any
// interruption, so an interrupted job must equal an uninterrupted one with the same batch size,
// byte for byte, on WebGPU too. The difference from the CPU backend is measured and reported.
test('WebGPU: a generation job interrupted by a reload equals an uninterrupted one with the same batch size; its difference from the CPU backend is measured', async ({
  ownPage: page,
}, info) => {
  test.setTimeout(600_000);
  await page.goto(url('webgpu'));
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  const interrupted = await generated(page, true);
  const uninterrupted = await generated(page, false);
  for (const file of [interrupted, uninterrupted]) {
    const rows = parseLines(file);
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  }
  const again = uninterrupted.split('\n');
  const acrossReload = interrupted.split('\n').filter((line, i) => line !== again[i]).length;
  info.annotations.push({ type: 'webgpu-reload', description: `${acrossReload} of 60 differ` });
  console.log(`WebGPU, interrupted vs uninterrupted: ${acrossReload} of 60 items differ`);
  expect(interrupted).toBe(uninterrupted);

  // The same snapshot on the CPU backend: reported, not required to match.
  await page.goto(url('cpu'));
  await expect(page.getByTestId('backend')).toHaveText('cpu');
  // The run's step budget is spent: reopened, it says so (error) and stays shown.
  await expect(page.getByTestId('status')).toHaveText(/paused|error/, { timeout: 120_000 });
  const cpu = (await generated(page, false)).split('\n');
  const gpu = interrupted.split('\n');
  const differing = cpu.filter((line, i) => line !== gpu[i]).length;
  console.log(`WebGPU vs CPU: ${differing} of 60 items differ`);
});
