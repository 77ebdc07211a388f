import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { Prng } from '../../src/shared/prng';
import { launchKillable } from './chromium-process';
import { TINY, stepOf } from './helpers';

const URL = `${BASE_URL}/?backend=webgpu&${TINY}&snapshotSeconds=1`;

async function lastCommitted(page: Page): Promise<number> {
  const text = await page.getByTestId('last-snapshot-step').textContent();
  return text === '' ? -1 : Number(text);
}

function resumedFrom(notice: string): number {
  const match = /from step (\d+)/.exec(notice);
  if (match === null) throw new Error(`no resume step in "${notice}"`);
  return Number(match[1]);
}

test('SIGKILL of every browser process, again and again: each relaunch resumes', async () => {
  test.setTimeout(600_000);
  const profile = mkdtempSync(path.join(tmpdir(), 'tab-trainer-kill-'));
  // The kill moments are random but reproducible: a seeded number of steps past a commit.
  const prng = Prng.fromSeed(2026);
  const kills = 6;
  let committedBeforeKill = -1;
  try {
    for (let round = 0; round <= kills; round++) {
      const { browser, killAll } = await launchKillable(profile);
      const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
      await page.goto(URL);
      if (round > 0) {
        await expect(page.getByTestId('notice')).toContainText('Resuming');
        const from = resumedFrom((await page.getByTestId('notice').textContent()) ?? '');
        expect(from).toBeGreaterThanOrEqual(committedBeforeKill);
      }
      await expect(page.getByTestId('status')).toHaveText('training');
      await expect(page.getByTestId('error')).toHaveText('');
      if (round === kills) {
        await browser.close().catch(() => undefined);
        await killAll();
        break;
      }
      const start = await stepOf(page);
      await expect.poll(() => lastCommitted(page)).toBeGreaterThan(start);
      const target = (await stepOf(page)) + prng.nextInt(6);
      await expect.poll(() => stepOf(page)).toBeGreaterThanOrEqual(target);
      committedBeforeKill = await lastCommitted(page);
      await killAll();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('closing the browser and opening it again resumes the run', async () => {
  const profile = mkdtempSync(path.join(tmpdir(), 'tab-trainer-close-'));
  try {
    let committed = -1;
    {
      const { browser, killAll } = await launchKillable(profile);
      const page = await browser.contexts()[0]!.newPage();
      await page.goto(URL);
      await expect.poll(() => lastCommitted(page)).toBeGreaterThanOrEqual(3);
      await page.close({ runBeforeUnload: true });
      await browser.close();
      await killAll();
      committed = 3;
    }
    const { browser, killAll } = await launchKillable(profile);
    const page = await browser.contexts()[0]!.newPage();
    await page.goto(URL);
    await expect(page.getByTestId('notice')).toContainText('Resuming');
    expect(
      resumedFrom((await page.getByTestId('notice').textContent()) ?? ''),
    ).toBeGreaterThanOrEqual(committed);
    await browser.close();
    await killAll();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
