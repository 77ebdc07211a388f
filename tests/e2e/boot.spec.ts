import { expect, test } from '@playwright/test';
import { TINY, waitForStep } from './helpers';

// A page that cannot start says what is missing and what to do, in the error area, instead of
// showing empty panels (src/boot.ts).

const URL = `/?backend=cpu&${TINY}`;

for (const [global, named] of [
  ['indexedDB', 'IndexedDB (where runs and snapshots are stored)'],
  ['Worker', 'Web Workers (training runs in one, beside the page)'],
] as const) {
  test(`a browser without ${global} is told what is missing and what to do`, async ({ page }) => {
    await page.addInitScript((name) => {
      Object.defineProperty(window, name, { value: undefined, configurable: true });
    }, global);
    await page.goto(URL);
    const error = page.getByTestId('error');
    await expect(error).toContainText(`BrowserFeatureMissingError: This browser lacks`);
    await expect(error).toContainText(named);
    await expect(error).toContainText('Open the page in a current Firefox, Chrome, Edge or Safari');
    await expect(page.locator('html')).toHaveAttribute('data-boot', 'failed');
    // Nothing else started: no status, no run.
    await expect(page.getByTestId('status')).toHaveCount(0);
  });
}

test('a browser without Web Locks trains, and is told to keep one tab per run', async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });
  });
  await page.goto(URL);
  await expect(page.getByTestId('warning')).toContainText('This browser has no Web Locks');
  await expect(page.getByTestId('warning')).toContainText('open each run in one tab only');
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('error')).toHaveText('');
  // A reload resumes the run it trained, as with locks (a commit asked for, not left to the
  // 30 s timer).
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  await expect(page.getByTestId('last-snapshot-step')).not.toHaveText(/^(—|)$/);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('notice')).toContainText('Resuming');
});

test('a module that fails to load is named in the error area, not a blank page', async ({
  page,
}) => {
  // The page's main module (src/main.ts and what it imports) never arrives.
  await page.route(/\/assets\/main-[^/]*\.js$/, (route) => route.abort('failed'));
  await page.goto(URL);
  await expect(page.getByTestId('error')).toContainText('PageStartError: The page failed to start');
  await expect(page.getByTestId('error')).toContainText('Reload the page');
  await expect(page.locator('html')).toHaveAttribute('data-boot', 'failed');
});

test('navigator.language "C" (WebKitGTK under LANG=C), which Intl refuses, still trains', async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'language', { value: 'C', configurable: true });
  });
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('training');
  await waitForStep(page, 3);
  await expect(page.getByTestId('error')).toHaveText('');
  expect(await page.evaluate(() => navigator.language)).not.toBe('C');
});
