import { expect, test, type Page } from '@playwright/test';
import { TINY, lossOf, pauseAndSnapshot, waitForStep } from './helpers';

test('the automatic choice passes over the software GPU and says why', async ({ page }) => {
  // The e2e browser's WebGPU adapter and WebGL renderer are SwiftShader (tests/chromium.mjs):
  // the trainer must recognise both as software and train on WebAssembly, cross-origin
  // isolated so that XNNPACK gets a thread per logical core (tfjs alone would take half), with
  // the trainer's own kernels.
  await page.goto(`/?${TINY}`);
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  const reason = page.getByTestId('backend-reason');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Math.min(cores, 8);
  await expect(reason).toContainText(
    `SIMD, ${threads} thread${threads === 1 ? '' : 's'} of ${cores} logical core${cores === 1 ? '' : 's'}, trainer kernels wasm.1 — `,
  );
  await expect(reason).not.toContainText('not cross-origin isolated');
  await expect(reason).toContainText('WebGPU adapter is SwiftShader, a software GPU');
  await expect(reason).toContainText('WebGL renders on SwiftShader, a software GPU');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await waitForStep(page, 5);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a forced cpu backend trains on the trainer’s JavaScript kernels and says so', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await expect(page.getByTestId('backend')).toHaveText('cpu');
  const reason = page.getByTestId('backend-reason');
  // Cross-origin isolated: a pool helper per further logical core (at most 4 threads).
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = Math.min(cores, 4);
  const pool =
    threads > 1 ? `${threads} threads of ${cores} logical cores` : '1 thread, one logical core';
  await expect(reason).toContainText(`${pool}, trainer kernels cpu.1 — `);
  await expect(reason).toContainText('forced by ?backend=cpu');
  await waitForStep(page, 5);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a forced wasm backend trains and the loss falls', async ({ page }) => {
  await page.goto(`/?backend=wasm&${TINY}`);
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('forced by ?backend=wasm');
  await waitForStep(page, 3);
  const early = await lossOf(page);
  await waitForStep(page, 60);
  await expect.poll(() => lossOf(page)).toBeLessThan(early - 0.3);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('snapshots are made into Blobs and hashed in a worker of their own', async ({ page }) => {
  // The training worker starts the snapshot hasher (workers/snapshot/copy-lane.ts) on its first
  // snapshot and keeps it; a hasher that failed would fail that snapshot, shown as an error.
  await page.goto(`/?backend=wasm&${TINY}&snapshotSeconds=600`);
  const cdp = await page.context().newCDPSession(page);
  const hashers = async () => {
    const { targetInfos } = await cdp.send('Target.getTargets');
    return targetInfos.filter((t) => t.type === 'worker' && t.title === 'snapshot-hasher').length;
  };
  await waitForStep(page, 3);
  const step = await pauseAndSnapshot(page);
  expect(step).toBeGreaterThanOrEqual(3);
  expect(await hashers()).toBe(1);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, step + 3);
  await pauseAndSnapshot(page);
  expect(await hashers()).toBe(1);
  await expect(page.getByTestId('error')).toHaveText('');
});

/** Trains a few steps on `from`, pauses and commits a snapshot; returns its step. */
async function snapshotOn(page: Page, from: string): Promise<number> {
  await page.goto(`/?backend=${from}&${TINY}&snapshotSeconds=600`);
  await expect(page.getByTestId('backend')).toHaveText(from);
  await waitForStep(page, 5);
  return pauseAndSnapshot(page);
}

for (const [from, to] of [
  ['webgpu', 'wasm'],
  ['wasm', 'webgpu'],
] as const) {
  test(`a snapshot made on ${from} resumes on ${to}, with the rounding notice`, async ({
    page,
  }) => {
    const paused = await snapshotOn(page, from);
    await page.goto(`/?backend=${to}&${TINY}`);
    await expect(page.getByTestId('notice')).toContainText(`from step ${paused}`);
    await expect(page.getByTestId('backend')).toHaveText(to);
    await expect(page.getByTestId('backend-reason')).toContainText(
      `the run was trained on ${from}; on ${to} it continues exact up to float rounding`,
    );
    await waitForStep(page, paused + 3);
    await expect(page.getByTestId('error')).toHaveText('');
  });
}

test('a run resumes on the backend it was trained on, though another would rank first', async ({
  page,
}) => {
  const paused = await snapshotOn(page, 'webgpu');
  await page.goto(`/?${TINY}`);
  await expect(page.getByTestId('notice')).toContainText(`from step ${paused}`);
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await expect(page.getByTestId('backend-reason')).toContainText(
    "kept from the run's snapshots, so the resume is bitwise exact (wasm would rank first)",
  );
  await waitForStep(page, paused + 2);
  // A new run is not bound to the old one's backend: it gets the automatic choice again.
  await page.getByRole('button', { name: 'New run' }).click();
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await expect(page.getByTestId('error')).toHaveText('');
});
