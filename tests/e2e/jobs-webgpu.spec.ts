import { expect, type Page } from '@playwright/test';
import { test } from './own-browser';
import { BASE_URL } from '../../playwright.config';
import { downloadResults, jobDone, parseLines } from './jobs-helpers';

const MODEL = 'model=mlp&batch=16&width=128&embed=16&context=8&seed=1&steps=2';
const JOB = 'jobCount=60&jobSeed=3&jobMaxLength=16&jobTemperature=1.2&jobBatch=16';
const url = (backend: string) => `${BASE_URL}/?backend=${backend}&${MODEL}&${JOB}`;

/** Runs a generation job from the form, calling `interrupt` once it has committed a batch. */
async function generated(
  page: Page,
  interrupt: ((page: Page) => Promise<void>) | null = null,
): Promise<string> {
  // A job already shown moves to Earlier jobs when the new one starts: until then its `done`
  // is what job-status says, and its file is what Download results would fetch.
  const earlier = page.getByRole('list', { name: 'Earlier jobs' }).getByRole('listitem');
  const shown = (await page.getByTestId('job-status').count()) > 0;
  const before = await earlier.count();
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  if (shown) await expect(earlier).toHaveCount(before + 1);
  await expect(page.getByTestId('job-status')).toHaveText(/running|done/);
  if (interrupt !== null) {
    await expect.poll(() => jobDone(page), { intervals: [50] }).toBeGreaterThan(0);
    await interrupt(page);
  }
  await expect(page.getByTestId('job-status')).toHaveText(/done|error/, { timeout: 240_000 });
  expect(await page.getByTestId('job-error').allTextContents()).toEqual([]);
  await expect(page.getByTestId('job-status')).toHaveText('done');
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
  const interrupted = await generated(page, (p) => p.reload().then(() => undefined));
  const uninterrupted = await generated(page);
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
  // The run's step budget is spent: reopened, it stays shown, paused at its budget.
  await expect(page.getByTestId('status')).toHaveText(/paused|error/, { timeout: 120_000 });
  // The two jobs above are listed (the newest in full) before a third starts.
  await expect(page.getByRole('list', { name: 'Earlier jobs' }).getByRole('listitem')).toHaveCount(
    1,
  );
  const cpu = (await generated(page)).split('\n');
  const gpu = interrupted.split('\n');
  const differing = cpu.filter((line, i) => line !== gpu[i]).length;
  console.log(`WebGPU vs CPU: ${differing} of 60 items differ`);
});

test('WebGPU: a job goes on by itself through a lost GPU device and a crashed worker, to the file of an uninterrupted job', async ({
  ownPage: page,
}) => {
  test.setTimeout(600_000);
  const total = 320; // twenty batches of 16: room for both faults before the end
  await page.goto(`${url('webgpu').replace('jobCount=60', `jobCount=${total}`)}&debug=1`);
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  const fault = (kind: string) =>
    page.evaluate(
      (k) =>
        (
          window as unknown as { trainerDebug: { fault(k: string): Promise<void> } }
        ).trainerDebug.fault(k),
      kind,
    );
  const interrupted = await generated(page, async () => {
    const before = await jobDone(page);
    await fault('device-loss');
    await expect(page.getByTestId('notice')).toContainText('the GPU device was lost');
    // The restarted worker takes the job up again from its cursor.
    await expect.poll(() => jobDone(page), { timeout: 120_000 }).toBeGreaterThan(before);
    const middle = await jobDone(page);
    expect(middle).toBeLessThan(total);
    await fault('crash');
    await expect(page.getByTestId('notice')).toContainText('the worker crashed');
  });
  await expect(page.getByTestId('job-error')).toHaveCount(0);
  const rows = parseLines(interrupted);
  expect(rows.map((r) => r.index)).toEqual(Array.from({ length: total }, (_, i) => i));
  expect(interrupted).toBe(await generated(page));
});
