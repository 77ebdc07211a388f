import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../tests/chromium.mjs';

const VERBOSE = process.env['BENCH_VERBOSE'] === '1';

/** Headless Chromium with the same binary and flags as the e2e tests (tests/chromium.mjs). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * The same Chromium on a fresh profile on disk, so IndexedDB and OPFS write files as they do for
 * a user (a plain launch's contexts are incognito, which keeps storage in memory). Resolves to
 * { browser, opener (what newPage is called on), close() }; close removes the profile.
 */
export async function launchProfile() {
  const dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  return {
    browser: context.browser(),
    opener: context,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `drive(page)` in a fresh page of `opener` (a Browser or a BrowserContext), so a fresh
 * worker and tfjs backend. Resolves to { row } or { error } with the page's own error messages;
 * never rejects, so one broken case cannot end the whole run. The page is closed afterwards.
 */
export async function inFreshPage(opener, timeoutMs, drive) {
  const page = await opener.newPage();
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
    // BENCH_VERBOSE=1 shows a case's progress lines (console.info('[bench] …') in the worker).
    if (VERBOSE && msg.type() === 'info' && msg.text().startsWith('[bench]')) {
      console.log(`  ${msg.text()}`);
    }
  });
  try {
    return { row: await withTimeout(drive(page), timeoutMs, 'the case') };
  } catch (err) {
    const detail = pageErrors.length > 0 ? ` (page: ${pageErrors.slice(0, 3).join('; ')})` : '';
    return { error: `${err instanceof Error ? err.message : String(err)}${detail}` };
  } finally {
    // Closing also ends a case still running after a timeout.
    await page.close().catch(() => undefined);
  }
}

/**
 * Runs one spec on the bench page (`globalThis.runBench`) in a fresh page: see inFreshPage.
 * `observe(page, spec)`, if given, starts watching as the case starts and returns { finish(row) } to
 * complete the row.
 */
export function runInFreshPage(opener, pageUrl, spec, timeoutMs, observe) {
  return inFreshPage(opener, timeoutMs, async (page) => {
    await page.goto(pageUrl);
    await page.waitForFunction(() => typeof globalThis.runBench === 'function');
    const observer = observe?.(page, spec);
    const row = await page.evaluate((s) => globalThis.runBench(s), spec);
    return observer ? await observer.finish(row) : row;
  });
}
