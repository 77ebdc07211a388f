import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config';

export async function jobDone(page: Page): Promise<number> {
  const text = await page
    .getByTestId('job-done')
    .textContent()
    .catch(() => null);
  return text === null || text === '' ? -1 : Number(text);
}

/** Clicks the newest job's `Download results` and reads the file it downloads. */
export async function downloadResults(page: Page): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download results', exact: true }).click();
  const file = await (await download).path();
  return readFile(file, 'utf8');
}

/** Playwright's own persistent context on a profile (downloads work there, unlike over CDP). */
export function persistentContext(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
}

/** The results file as JSON objects, checking each line is one object with its index. */
export function parseLines(text: string): { index: number }[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as { index: number });
}
