import { expect } from '@playwright/test';
import path from 'node:path';
import { test } from './own-browser';
import { TINY, lossOf, stepOf, waitForStep } from './helpers';

const userText = path.resolve(import.meta.dirname, '../fixtures/text/greek-words.txt');

test('trains on WebGPU: the step advances and the loss falls', async ({ ownPage: page }) => {
  test.setTimeout(300_000);
  await page.goto(`/?backend=webgpu&${TINY}`);
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 3);
  const early = await lossOf(page);
  await waitForStep(page, 40, 240_000);
  await expect.poll(() => lossOf(page)).toBeLessThan(early - 0.3);
  await expect(page.getByTestId('samples').locator('li')).toHaveCount(5);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a forced cpu backend trains too', async ({ page }) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await expect(page.getByTestId('backend')).toHaveText('cpu');
  await waitForStep(page, 10);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('Pause stops the step and Start continues it', async ({ page }) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const paused = await stepOf(page);
  // A snapshot taken while paused holds exactly the paused step: the loop did not move on.
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(paused));
  expect(await stepOf(page)).toBe(paused);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, paused + 3);
});

test("trains on the user's text file, from the picker and by drop", async ({ page }) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 1);
  await page.getByLabel('Training text file').setInputFiles(userText);
  await expect(page.getByTestId('dataset-name')).toHaveText('greek-words.txt');
  await expect(page.getByTestId('notice')).toContainText('greek-words.txt');
  await waitForStep(page, 5);
  await expect.poll(() => page.getByTestId('samples').textContent()).not.toMatch(/[A-Z0-9]/);

  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    const lines = Array.from({ length: 50 }, (_, i) => `line ${'xyz'[i % 3]}`).join('\n');
    dt.items.add(new File([lines], 'dropped.txt', { type: 'text/plain' }));
    return dt;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('dataset-name')).toHaveText('dropped.txt');
  await waitForStep(page, 3);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('the page stays responsive while training (main-thread tasks of 100 ms or more are rare)', async ({
  ownPage: page,
}) => {
  test.setTimeout(300_000);
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        w.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`/?backend=webgpu&${TINY}`);
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 2);
  const from = await page.evaluate(() => performance.now());
  await waitForStep(page, 30, 240_000);
  const tasks = await page.evaluate((t0) => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[] };
    return w.longTasks.filter((e) => e.start >= t0).map((e) => e.duration);
  }, from);
  const worst = Math.max(0, ...tasks);
  const over = tasks.filter((d) => d >= 100).length;
  console.log(
    `main-thread tasks of 100 ms or more while training 28 steps: ${over}; worst ${worst} ms`,
  );
  // A step run on the main thread would block it at every step, for the step's whole length. A
  // loaded machine (CI beside other jobs) delays a rendering task past 100 ms now and then, so
  // the test allows two such tasks in 28 steps and none that blocks for half a second.
  expect(over).toBeLessThanOrEqual(2);
  expect(worst).toBeLessThan(500);
});

test("the snapshot interval is chosen by Young's formula from the measured cost", async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}&mtbiSeconds=600`);
  // The step-0 snapshot is the first measurement of the cost.
  await expect(page.getByTestId('last-snapshot-step')).toHaveText('0');
  await expect(page.getByTestId('snapshot-interval')).toContainText(/Snapshots every \d+ s \(auto/);
  await expect(page.getByTestId('snapshot-interval')).toContainText('M 10 min');
  await expect(page.getByTestId('snapshot-interval')).not.toContainText('not yet measured');
  await page.getByLabel('Snapshot interval (s, blank = auto)').fill('7');
  await page.getByLabel('Snapshot interval (s, blank = auto)').press('Tab');
  // The cost measured so far (the step-0 snapshot's) is said beside a fixed interval.
  await expect(page.getByTestId('snapshot-interval')).toHaveText(
    /^Snapshots every 7 s \(fixed; a snapshot takes \d+\.\d\d s(, \d+% of the interval: blank \(auto\) spaces them by their cost)?\)$/,
  );
});

test('a refused training text is named and the current run trains on', async ({ page }) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 2);
  await page.getByLabel('Training text file').setInputFiles({
    name: 'tiny.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('one\ntwo\nthree'),
  });
  await expect(page.getByTestId('error')).toContainText('DatasetError');
  await expect(page.getByTestId('error')).toContainText('at least 10');
  await expect(page.getByTestId('dataset-name')).toHaveText('names (bundled)');
  await expect(page.getByTestId('status')).toHaveText('training');
  const step = await stepOf(page);
  await waitForStep(page, step + 2);
});

test('a step budget stops the run with a snapshot; Start then says how to go on', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}&steps=12`);
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('step')).toHaveText('12');
  await expect(page.getByTestId('last-snapshot-step')).toHaveText('12');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('error')).toContainText('step budget of 12');
  await expect(page.getByTestId('step')).toHaveText('12');

  // Reloaded, the run is shown paused at its budget, saying so, with no error.
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('step')).toHaveText('12');
  await expect(page.getByTestId('notice')).toContainText('has trained its step budget');
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a bad URL config is named on the page', async ({ page }) => {
  await page.goto('/?backend=cpu&layers=9');
  await expect(page.getByTestId('error')).toContainText('ConfigError');
  await expect(page.getByTestId('error')).toContainText('layers');
});

test("the address bar carries the shown run's config, so the link reproduces the run", async ({
  page,
}) => {
  await page.goto('/?backend=cpu&model=mlp&seed=7&batch=8&width=24&embed=4&context=2');
  await waitForStep(page, 1);
  const url = new URL(page.url());
  expect(url.searchParams.get('seed')).toBe('7');
  expect(url.searchParams.get('width')).toBe('24');
  expect(url.searchParams.get('lr')).toBe('0.003');
  expect(url.searchParams.get('backend')).toBe('cpu');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
});
