import { clearTimeout, setTimeout } from 'node:timers';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/chromium.mjs';

/** Headless Chromium with the same binary and flags as the e2e tests (tests/chromium.mjs). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs one spec on the bench page in a fresh page (so a fresh worker and tfjs backend). Resolves
 * to { row } or { error } with the page's own error messages; never rejects, so one broken case
 * cannot end the whole run.
 */
export async function runInFreshPage(browser, pageUrl, spec, timeoutMs) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  try {
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof globalThis.runBench === 'function');
    const row = await withTimeout(
      page.evaluate((s) => globalThis.runBench(s), spec),
      timeoutMs,
      'the case',
    );
    return { row };
  } catch (err) {
    const detail = pageErrors.length > 0 ? ` (page: ${pageErrors.slice(0, 3).join('; ')})` : '';
    return { error: `${err instanceof Error ? err.message : String(err)}${detail}` };
  } finally {
    // Closing also ends a case still running after a timeout.
    await page.close().catch(() => undefined);
  }
}
