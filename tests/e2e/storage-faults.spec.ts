import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { launchKillable } from './chromium-process';
import { TINY, stepOf } from './helpers';

const URL = `${BASE_URL}/?backend=cpu&${TINY}&snapshotSeconds=1`;

async function lastCommitted(page: Page): Promise<number> {
  const text = await page.getByTestId('last-snapshot-step').textContent();
  return text === '' || text === null ? -1 : Number(text);
}

function resumedFrom(notice: string): number {
  const match = /from step (\d+)/.exec(notice);
  if (match === null) throw new Error(`no resume step in "${notice}"`);
  return Number(match[1]);
}

/** Fills the file system holding `dir` until the kernel says no more (ENOSPC). */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    // The last partial megabyte, byte blocks at a time.
    for (const size of [65536, 4096, 512]) {
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, size));
      } catch {
        // next smaller size
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

test('site data cleared while training: the page says so, a new complete snapshot commits, a reload resumes from it', async ({
  page,
}) => {
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect.poll(() => lastCommitted(page)).toBeGreaterThanOrEqual(2);
  const before = await lastCommitted(page);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: BASE_URL, storageTypes: 'all' });

  await expect(page.getByTestId('notice')).toContainText('stored data was cleared');
  await expect(page.getByTestId('notice')).toContainText(/complete snapshot at step \d+ is saved/);
  const rewritten = Number(
    /snapshot at step (\d+) is saved/.exec((await page.getByTestId('notice').textContent())!)![1],
  );
  expect(rewritten).toBeGreaterThan(before);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect(page.getByTestId('error')).toHaveText('');
  await expect.poll(() => lastCommitted(page)).toBeGreaterThan(rewritten);
  const committed = await lastCommitted(page);

  await page.reload();
  await expect(page.getByTestId('notice')).toContainText('Resuming');
  expect(
    resumedFrom((await page.getByTestId('notice').textContent()) ?? ''),
  ).toBeGreaterThanOrEqual(committed);
  await expect(page.getByTestId('status')).toHaveText('training');
});

test('a second tab upgrading the database: the first keeps saving or asks for a reload, never silent', async ({
  page,
  context,
}) => {
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect.poll(() => lastCommitted(page)).toBeGreaterThanOrEqual(1);

  // A page at the same origin that opens no database of its own (the bench page, idle without
  // a spec), standing in for a newer release that adds a store.
  const other = await context.newPage();
  await other.goto(`${BASE_URL}/bench/index.html`);
  const version = await other.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('tab-trainer', 3);
        request.onupgradeneeded = () => request.result.createObjectStore('future');
        request.onsuccess = () => {
          const db = request.result;
          const v = db.version;
          db.close();
          resolve(v);
        };
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error('blocked by the training tab'));
      }),
  );
  expect(version).toBe(3);

  // This build knows version 2: it must say so and ask for a reload, not fail in silence.
  await expect(page.getByTestId('warning')).toContainText('Reload the page');
  await expect(page.getByTestId('status')).toHaveText('training');
  await other.close();
});

test('a full disk: the warning shows, training goes on; freed, snapshots resume within 10 s; a SIGKILL resumes at or after the last committed step', async () => {
  test.setTimeout(300_000);
  const mount = mkdtempSync(path.join(tmpdir(), 'tab-trainer-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mount], { stdio: 'pipe' });
  } catch (err) {
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
    console.log(`full-disk test skipped: mounting a tmpfs was refused (${why})`);
    rmSync(mount, { recursive: true, force: true });
    test.skip(true, `mounting a tmpfs was refused: ${why}`);
    return;
  }
  const profile = path.join(mount, 'profile');
  const filler = path.join(mount, 'filler');
  try {
    let committed = -1;
    {
      const { browser, killAll } = await launchKillable(profile);
      const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
      await page.goto(URL);
      await expect(page.getByTestId('status')).toHaveText('training');
      await expect.poll(() => lastCommitted(page)).toBeGreaterThanOrEqual(2);

      const filled = fillDisk(filler);
      console.log(`filled ${(filled / 1e6).toFixed(1)} MB; free now ${statfsSync(mount).bavail}`);
      await expect(page.getByTestId('warning')).toContainText('The disk is full', {
        timeout: 60_000,
      });
      await expect(page.getByTestId('warning')).toContainText('will resume by themselves');
      const warning = (await page.getByTestId('warning').textContent()) ?? '';
      console.log(`warning: ${warning}`);
      console.log(
        `estimate: ${JSON.stringify(await page.evaluate(() => navigator.storage.estimate()))}`,
      );
      const stuckAt = await lastCommitted(page);
      const stepAtWarning = await stepOf(page);
      await expect.poll(() => stepOf(page)).toBeGreaterThan(stepAtWarning + 5);
      await expect(page.getByTestId('status')).toHaveText('training');

      rmSync(filler);
      const freedAt = Date.now();
      await expect.poll(() => lastCommitted(page), { timeout: 10_000 }).toBeGreaterThan(stuckAt);
      console.log(`free space -> next committed snapshot: ${Date.now() - freedAt} ms`);
      await expect(page.getByTestId('warning')).toHaveText('');
      committed = await lastCommitted(page);
      await killAll();
    }
    const { browser, killAll } = await launchKillable(profile);
    const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
    await page.goto(URL);
    await expect(page.getByTestId('notice')).toContainText('Resuming');
    expect(
      resumedFrom((await page.getByTestId('notice').textContent()) ?? ''),
    ).toBeGreaterThanOrEqual(committed);
    await browser.close().catch(() => undefined);
    await killAll();
  } finally {
    try {
      execFileSync('umount', ['-l', mount]);
    } catch {
      // already gone
    }
    rmSync(mount, { recursive: true, force: true });
  }
});
