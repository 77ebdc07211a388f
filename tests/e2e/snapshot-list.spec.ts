import { expect, test } from '@playwright/test';
import { TINY, pauseAndSnapshot, waitForStep } from './helpers';

test('the snapshot list: pin keeps a snapshot past retention, roll back, delete', async ({
  page,
}) => {
  page.on('dialog', (dialog) => void dialog.accept());
  // A long interval while step 0 is pinned: at 1 s a loaded machine's retention could prune
  // step 0 before the click landed (CI: SnapshotNotFoundError). Then 1 s, from the page.
  await page.goto(`/?backend=cpu&${TINY}&snapshotSeconds=3600`);
  const initial = page.locator('[data-testid="snapshot-row"][data-step="0"]');
  await expect(initial).toHaveCount(1);
  await page.getByRole('button', { name: 'Pin snapshot at step 0' }).click();
  await expect(initial).toHaveAttribute('data-pinned', 'true');
  const interval = page.getByLabel('Snapshot interval (s, blank = auto)');
  await interval.fill('1');
  await interval.press('Tab');
  // The cost measured so far (the step-0 snapshot's) is said beside a fixed interval.
  await expect(page.getByTestId('snapshot-interval')).toHaveText(
    /^Snapshots every 1 s \(fixed; a snapshot takes \d+\.\d\d s(, \d+% of the interval: blank \(auto\) spaces them by their cost)?\)$/,
  );

  // Retention keeps the newest 3 (and the best): once the first later snapshot has been
  // pruned, step 0 would have gone too, had it not been pinned.
  const rows = page.getByTestId('snapshot-row');
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
  const firstLater = await rows.evaluateAll((els) =>
    Math.min(...els.map((e) => Number(e.getAttribute('data-step'))).filter((s) => s > 0)),
  );
  await expect(page.locator(`[data-testid="snapshot-row"][data-step="${firstLater}"]`)).toHaveCount(
    0,
  );
  await expect(initial).toHaveCount(1);

  await page.getByRole('button', { name: 'Resume from step 0' }).click();
  await expect(page.getByTestId('notice')).toContainText('Rolled back');
  await expect(page.getByTestId('notice')).toContainText('from step 0');
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 2);

  // Paused, no snapshot commits, so retention cannot prune the row about to be clicked (with a
  // snapshot a second, an unpinned step 0 went at the next commit, under the pointer).
  await pauseAndSnapshot(page);
  await page.getByRole('button', { name: 'Unpin snapshot at step 0' }).click();
  await expect(initial).not.toHaveAttribute('data-pinned', 'true');
  const count = await rows.count();
  const victim = await rows.last().getAttribute('data-step');
  await page
    .getByRole('button', { name: `Delete snapshot at step ${victim}` })
    .last()
    .click();
  await expect.poll(() => rows.count()).toBeLessThanOrEqual(count);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a double click on Delete deletes the snapshot once and shows no error', async ({ page }) => {
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`/?backend=cpu&${TINY}&snapshotSeconds=600`);
  await waitForStep(page, 3);
  const first = await pauseAndSnapshot(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await waitForStep(page, first + 3);
  await pauseAndSnapshot(page);
  const row = page.locator(`[data-testid="snapshot-row"][data-step="${first}"]`);
  await expect(row).toHaveCount(1);
  const rows = await page.getByTestId('snapshot-row').count();
  // Two deletions of one snapshot: the second finds it gone, which is what the user asked for.
  await page.getByRole('button', { name: `Delete snapshot at step ${first}` }).dblclick();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('snapshot-row')).toHaveCount(rows - 1);
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('error')).toHaveText('');
});
