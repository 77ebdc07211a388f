import { chromium, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL, CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config';
import { SHARDS } from './generated-corpus';

export const MiB = 1024 * 1024;

/**
 * The space left is the browser's quota for the page, set through DevTools (null: the
 * browser's own again); the override lasts as long as the DevTools session, so one is kept.
 * A physically full disk (a filled tmpfs profile, as storage-faults.spec fills it) is not used
 * here: this Chromium dies when a large OPFS write meets ENOSPC, before the page sees an error;
 * the quota is what a page meets first, and its refusal is the QuotaExceededError it handles.
 */
export async function quotaControl(page: Page): Promise<(bytes: number | null) => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  return async (bytes) => {
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin,
      ...(bytes === null ? {} : { quotaSize: bytes }),
    });
  };
}

/** A tokenization held half-way: its page, and the quota that holds it. */
export interface HeldTokenizing {
  readonly page: Page;
  readonly setQuota: (bytes: number | null) => Promise<void>;
}

/**
 * Runs `body` on a page of a fresh profile on disk (an incognito context keeps OPFS in memory,
 * outside the quota) whose quota leaves room for the first shard and its progress, not for
 * the second, once it has chosen `file` and paused there: a tokenization held half-way,
 * however fast this machine tokenizes. `beforeFile` runs on the page just before the file is
 * chosen. The browser, its profile and the file are removed afterwards, whatever happened.
 */
export async function whilePausedTokenizing(
  file: string,
  body: (held: HeldTokenizing) => Promise<void>,
  beforeFile: (page: Page) => Promise<void> = async () => undefined,
): Promise<void> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tab-trainer-quota-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${BASE_URL}${SHARDS}`);
    await expect(page.getByTestId('status')).toHaveText('idle');
    const setQuota = await quotaControl(page);
    await setQuota(24 * MiB);
    await beforeFile(page);
    await page.getByLabel('Training text file').setInputFiles(file);
    await expect(page.getByTestId('dataset-status')).toHaveText('paused (disk full)', {
      timeout: 120_000,
    });
    await body({ page, setQuota });
  } finally {
    await context.close().catch(() => undefined);
    rmSync(file, { force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}
