import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TINY, stepOf, waitForStep } from './helpers';

// A margin of 5 steps and a snapshot every second: a rewind target exists within moments.
const URL = `/?backend=cpu&${TINY}&debug=1&snapshotSeconds=1&rewindMargin=5`;

/** The spike's step and the step rewound to, as the rewind notice states them. */
async function rewindOf(page: Page): Promise<{ spike: number; to: number; skipped: number }> {
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('Loss spike at step');
  const text = (await notice.textContent()) ?? '';
  const match = /step (\d+) .*rewound to the snapshot at step (\d+).*\((\d+)\)/.exec(text);
  if (match === null) throw new Error(`no rewind in "${text}"`);
  return { spike: Number(match[1]), to: Number(match[2]), skipped: Number(match[3]) };
}

async function poisonNextStep(page: Page): Promise<void> {
  await page.evaluate(() =>
    (
      window as unknown as { trainerDebug: { fault(kind: string): Promise<void> } }
    ).trainerDebug.fault('spike'),
  );
}

test('a poisoned batch is rewound: notice, chart marker, the step goes back, training goes on', async ({
  page,
}) => {
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('rewinds')).toHaveText('0');
  await expect(page.getByTestId('rewind-marker')).toHaveCount(0);
  await expect
    .poll(async () => Number(await page.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThanOrEqual(10);
  const before = await stepOf(page);
  await poisonNextStep(page);

  await expect(page.getByTestId('rewinds')).toHaveText('1');
  await expect(page.getByTestId('rewind-marker')).toHaveCount(1);
  const { spike, to, skipped } = await rewindOf(page);
  expect(spike).toBeGreaterThan(before);
  expect(to).toBeLessThanOrEqual(spike - 5);
  expect(skipped).toBe(spike - to);
  // Training goes on from the step rewound to, past the spike, without an error.
  await waitForStep(page, spike + 10);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('error')).toHaveText('');
  await expect(page.getByTestId('rewinds')).toHaveText('1');
});

test('a reload after the rewind resumes with the skip list in force', async ({ page }, info) => {
  await page.goto(URL);
  await expect
    .poll(async () => Number(await page.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThanOrEqual(10);
  await poisonNextStep(page);
  const { to, skipped } = await rewindOf(page);
  // A snapshot of the line after the rewind, then the tab goes.
  await expect
    .poll(async () => Number(await page.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThan(to);
  await page.reload();

  await expect(page.getByTestId('notice')).toContainText('Resuming');
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('rewinds')).toHaveText('1');
  await expect(page.getByTestId('rewind-marker')).toHaveCount(1);
  const resumed = await stepOf(page);
  await waitForStep(page, resumed + 5);

  // The exported state: its skip list holds the window, and its data cursor is past it: every
  // step used one batch, and the window's batches were passed over (TINY: batch 16, no epoch
  // ends this early).
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const file = path.join(info.outputDir, 'after-rewind.safetensors');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export checkpoint' }).first().click();
  await (await download).saveAs(file);
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  const meta = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')).__metadata__;
  const guard = JSON.parse(meta.guard);
  expect(guard.skips).toEqual([{ fromBatch: to, toBatch: to + skipped }]);
  expect(guard.rewinds).toHaveLength(1);
  const cursor = JSON.parse(meta.data_cursor);
  expect(cursor.epoch).toBe(0);
  expect(cursor.index / 16).toBe(Number(meta.step) + skipped);
});
