import { expect, test } from '@playwright/test';
import { TINY, waitForStep } from './helpers';

test('storage the browser may evict: the page says what that risks and offers an export', async ({
  page,
}) => {
  await page.goto(`/?backend=cpu&${TINY}`);
  await waitForStep(page, 3);
  // Headless Chromium does not grant persistent storage to a site the user never engaged with.
  const persisted = await page.evaluate(() => navigator.storage.persisted());
  test.skip(persisted, 'this browser granted persistent storage');
  await expect(page.getByTestId('storage')).toContainText('(not persistent: may be evicted)');
  const risk = page.getByTestId('storage-risk');
  await expect(risk).toBeVisible();
  await expect(risk).toContainText('may delete this page’s runs and snapshots');
  await expect(risk).toContainText('Safari deletes a site’s storage after 7 days without a visit');
  // The second copy of the newest commit, in the origin private file system: a commit asked
  // for now rather than left to the timer (its first interval is 30 s, longer on a slow machine).
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await expect(page.getByTestId('last-snapshot-step')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('second-copy')).toContainText(
    'Second copy: the newest snapshot of each run is also in the origin private file system',
  );
  const download = page.waitForEvent('download');
  await risk.getByRole('button', { name: 'Export a copy' }).click();
  expect((await download).suggestedFilename()).toMatch(/-step\d+\.safetensors$/);
});
