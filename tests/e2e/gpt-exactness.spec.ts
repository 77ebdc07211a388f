import { expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { launchKillable } from './chromium-process';
import { compare, exportAt, metadataOf } from './checkpoint-compare';
import { waitForStep } from './helpers';
import { persistentContext } from './jobs-helpers';
import { test } from './own-browser';

/**
 * A gpt on byte-level prose (the bundled names read as one stream), dropout on, at a size
 * SwiftShader trains in minutes. Budgets leave steps to redo after the kill on each backend:
 * the CPU backend trains this model at dozens of steps a second, so at 60 steps it reached its
 * budget before the kill (and the relaunch found nothing to redo); WASM on the trainer's kernels
 * (issue 19) did the same at 200.
 */
const GPT =
  'model=gpt&embed=16&width=32&layers=1&heads=2&context=8&batch=4&dropout=0.1&seed=3&warmup=5';
const BUDGET = { cpu: 600, wasm: 600, webgpu: 30 } as const;

async function lastCommitted(page: Page): Promise<number> {
  const text = await page.getByTestId('last-snapshot-step').textContent();
  return text === '' ? -1 : Number(text);
}

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
  test(`gpt on ${backend}, dropout on: every browser process SIGKILLed mid-run, the relaunch resumes and ends bit for bit where the uninterrupted run ends`, async ({
    ownBrowser,
  }, info) => {
    test.setTimeout(900_000);
    const steps = BUDGET[backend];
    const url = `${BASE_URL}/?backend=${backend}&${GPT}&steps=${steps}&snapshotSeconds=1`;
    const straight = path.join(info.outputDir, 'straight.safetensors');
    const page = await (await ownBrowser.newContext({ baseURL: BASE_URL })).newPage();
    await page.goto(url);
    await expect(page.getByTestId('backend')).toHaveText(backend);
    await waitForStep(page, steps, 600_000);
    await expect(page.getByTestId('status')).toHaveText('paused');
    await exportAt(page, steps, straight);
    const meta = metadataOf(straight);
    expect(meta['format']).toBe('tab-trainer/4');
    expect(meta['config']).toMatchObject({
      model: 'gpt',
      tokens: 'byte',
      text: 'prose',
      dropout: 0.1,
    });

    const profile = mkdtempSync(path.join(tmpdir(), 'tab-trainer-gptkill-'));
    try {
      const { browser, killAll } = await launchKillable(profile);
      const context = browser.contexts()[0]!;
      const killed = context.pages()[0] ?? (await context.newPage());
      await killed.goto(url);
      await expect(killed.getByTestId('backend')).toHaveText(backend);
      // Killed once a snapshot a third of the way in is committed, with steps left to redo.
      await expect
        .poll(() => lastCommitted(killed), { timeout: 600_000 })
        .toBeGreaterThanOrEqual(Math.floor(steps / 3));
      const committed = await lastCommitted(killed);
      await killAll();

      const relaunched = await persistentContext(profile);
      try {
        const resumed = relaunched.pages()[0] ?? (await relaunched.newPage());
        await resumed.goto(url);
        await expect(resumed.getByTestId('notice')).toContainText(/Resuming gpt on .* from step/);
        const from = Number(
          /from step (\d+)/.exec((await resumed.getByTestId('notice').textContent())!)![1],
        );
        expect(from).toBeGreaterThanOrEqual(committed);
        expect(from).toBeLessThan(steps - 3); // the resumed run has steps of its own to take
        await expect(resumed.getByTestId('backend')).toHaveText(backend);
        await waitForStep(resumed, steps, 600_000);
        await expect(resumed.getByTestId('status')).toHaveText('paused');
        const after = path.join(info.outputDir, 'resumed.safetensors');
        await exportAt(resumed, steps, after);
        const { differing, largest } = compare(straight, after);
        const figure = `killed after the commit at step ${committed}, resumed from ${from}, compared at step ${steps}: ${differing} differing values, largest difference ${largest}`;
        info.annotations.push({ type: `gpt-${backend}-exactness`, description: figure });
        console.log(`gpt ${backend} exactness: ${figure}`);
        expect(differing).toBe(0);
        expect(metadataOf(after)['data_cursor']).toEqual(meta['data_cursor']);
        expect(metadataOf(after)['rng']).toEqual(meta['rng']);
      } finally {
        await relaunched.close();
      }
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
}
