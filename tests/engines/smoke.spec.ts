import { writeFileSync } from 'node:fs';
import { keepDownloads, keptDownload, metadataOf } from './downloads';
import { BASE_URL, expect, test } from './fixtures';
import {
  countOf,
  numberOf,
  pauseAndSnapshot,
  resumedFrom,
  testId,
  waitForAtLeast,
  waitForText,
} from './page-state';

// The promise, in Firefox and WebKit: a run trains, snapshots commit, a reload and a killed
// browser resume at or after the newest committed step, a checkpoint file goes out and comes
// back, a generation job survives a reload, and the badge says which backend and why.

/** A small, fast run (as tests/e2e/helpers.ts), on the backend the page picks by itself. */
const TINY = 'model=mlp&batch=16&width=32&embed=8&context=3&seed=1';
const RUN = `${BASE_URL}/?${TINY}&snapshotSeconds=1`;

test('trains, commits snapshots, says which backend and why; a reload resumes', async ({
  launch,
  engine,
}) => {
  const { page } = await launch();
  await page.goto(RUN);
  await waitForText(page, 'status', 'training');
  const backend = await waitForText(page, 'backend', /^(webgpu|webgl|wasm|cpu)$/);
  const reason = (await testId(page, 'backend-reason')) ?? '';
  // Every backend ranked above the chosen one is named with why it was passed over.
  if (backend !== 'webgpu') expect(reason).toMatch(/WebGPU/);
  if (backend === 'wasm' || backend === 'cpu') expect(reason).toMatch(/WebGL/);
  if (backend === 'wasm') expect(reason).toMatch(/^SIMD, \d+ threads?|^no SIMD/);
  const facts = await page.run<{ getDirectory: boolean }>(`return {
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    gpu: 'gpu' in navigator, locks: 'locks' in navigator,
    storage: 'storage' in navigator,
    getDirectory: typeof navigator.storage?.getDirectory === 'function',
  };`);
  console.log(`${engine}: ${backend} — ${reason} ${JSON.stringify(facts)}`);

  const committed = await waitForAtLeast(page, 'last-snapshot-step', 3);
  // Where the browser may evict the page's storage, the page says so and offers an export; it
  // says whether the newest commit has its second copy, by what this engine has.
  const persisted = await page.run<boolean | null>(
    'return navigator.storage?.persisted ? navigator.storage.persisted() : null;',
  );
  const riskHidden = await page.run<boolean>(
    `return document.querySelector('[data-testid="storage-risk"]').hidden;`,
  );
  expect(riskHidden).toBe(persisted === true);
  await waitForText(
    page,
    'second-copy',
    facts.getDirectory ? /^Second copy: / : /^No second copy: /,
  );
  await page.reload();
  const notice = await waitForText(page, 'notice', /Resuming .* from step \d+/);
  expect(resumedFrom(notice)).toBeGreaterThanOrEqual(committed);
  await waitForText(page, 'status', 'training');
  await waitForAtLeast(page, 'step', resumedFrom(notice) + 3);
  await waitForText(page, 'error', '');
});

test('after the browser is killed, the run resumes at or after its newest commit', async ({
  launch,
  engine,
}) => {
  const first = await launch();
  await first.page.goto(RUN);
  await waitForText(first.page, 'status', 'training');
  await waitForAtLeast(first.page, 'last-snapshot-step', 3);
  const committed = await numberOf(first.page, 'last-snapshot-step');
  await first.kill();

  // Firefox starts again on the same profile; WebKitGTK's MiniBrowser keeps its data store
  // in memory (see webkit.ts), so there the page opens again in the browser whose page
  // process was killed.
  const page = engine === 'firefox' ? (await launch()).page : first.page;
  await page.goto(RUN);
  const notice = await waitForText(page, 'notice', /Resuming .* from step \d+/);
  expect(resumedFrom(notice)).toBeGreaterThanOrEqual(committed);
  await waitForText(page, 'status', 'training');
  await waitForAtLeast(page, 'step', resumedFrom(notice) + 3);
  await waitForText(page, 'error', '');
});

test('a checkpoint file exports and imports as a new run at its step', async ({ launch }, info) => {
  const { page } = await launch();
  await page.goto(`${BASE_URL}/?${TINY}&snapshotSeconds=600`);
  await waitForAtLeast(page, 'step', 5);
  const step = await pauseAndSnapshot(page);
  await keepDownloads(page);
  await page.click('Export checkpoint');
  const file = await keptDownload(page, 0);
  expect(file.name).toMatch(new RegExp(`-step${step}\\.safetensors$`));
  const meta = metadataOf(file.bytes);
  expect(meta['format']).toBe('tab-trainer/3');
  expect(Number(meta['step'])).toBe(step);

  const saved = info.outputPath(file.name);
  writeFileSync(saved, file.bytes);
  await page.chooseFile('Import checkpoint', saved);
  await waitForText(page, 'checkpoint-summary', new RegExp(`at step ${step}\\b`));
  await page.click('Import as new run');
  await waitForText(page, 'notice', new RegExp(`from step ${step}\\b`));
  await expect.poll(() => countOf(page, 'run-item')).toBe(2);
  await waitForAtLeast(page, 'step', step + 2);
  await waitForText(page, 'error', '');
});

test('a generation job goes on by itself after a reload, to its last item', async ({ launch }) => {
  // Enough items that the job is still running when the page reloads (Firefox made 600 in
  // under a second), few enough to finish within a minute on WebKit.
  const count = 5000;
  // The run stops at step 2 (its budget), so the job has the worker to itself.
  const model = 'model=mlp&batch=16&width=128&embed=16&context=8&seed=1&steps=2';
  const { page } = await launch();
  await page.goto(
    `${BASE_URL}/?${model}&jobCount=${count}&jobSeed=5&jobMaxLength=32&jobTemperature=1.5&jobBatch=20`,
  );
  await waitForText(page, 'status', 'paused');
  await page.click('Generate');
  await waitForText(page, 'job-total', String(count));
  await waitForText(page, 'job-status', 'running');
  const before = await waitForAtLeast(page, 'job-done', 1);
  expect(before).toBeLessThan(count);
  await page.reload();
  // Nothing committed is lost, and the job goes on with no click.
  await waitForAtLeast(page, 'job-done', before);
  await waitForText(page, 'job-status', 'done');
  await waitForText(page, 'job-done', String(count));
  expect(await countOf(page, 'job-error')).toBe(0);
});
