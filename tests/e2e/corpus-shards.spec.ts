import { expect, type Page } from '@playwright/test';
import { whilePausedTokenizing } from './corpus-quota';
import { SHARDS, corpusFile } from './generated-corpus';
import { stepOf, waitForStep } from './helpers';
import { test } from './own-browser';

const percent = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

/**
 * Records every text the elements with these test ids show from now on: a tokenization of a
 * few MB can pass between two polls of a test, the figures it showed meanwhile cannot.
 */
async function recordTexts(page: Page, ids: readonly string[]): Promise<void> {
  await page.evaluate((testIds) => {
    const seen: Record<string, string[]> = Object.fromEntries(testIds.map((id) => [id, []]));
    (globalThis as unknown as { seenTexts: typeof seen }).seenTexts = seen;
    new MutationObserver(() => {
      for (const id of testIds) {
        const text = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
        if (seen[id]!.at(-1) !== text) seen[id]!.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, ids);
}

const seenTexts = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { seenTexts: Record<string, string[]> }).seenTexts);

/**
 * The quota lifted and the same file chosen again, its tokenization goes on from the shard it
 * committed (8 Mi tokens of about 40 MB: over 20 %) to the end. The box may still show the
 * stopped tokenization's start (0 %) until the new one reports: the wait is for the new one's,
 * which stays 0 if it began again from nothing.
 */
async function goesOnFromItsShard(
  page: Page,
  setQuota: (bytes: number | null) => Promise<void>,
  file: string,
): Promise<void> {
  await setQuota(null);
  await page.getByLabel('Training text file').setInputFiles(file);
  await expect
    .poll(() => percent(page, 'dataset-resumed'), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(20);
  await expect(page.getByTestId('dataset-status')).toHaveText('ready', { timeout: 240_000 });
}

test('a corpus tokenized into shards: progress, a reload mid-tokenization goes on, training resumes after a reload', async () => {
  test.setTimeout(540_000);
  const file = corpusFile('corpus-shards', 40, 7);
  // Held half-way by a quota with room for one shard (a 40 MB text tokenizes in well under a
  // second on an idle machine): killed there, the committed shard stays.
  await whilePausedTokenizing(
    file,
    async ({ page, setQuota }) => {
      const seen = await seenTexts(page);
      expect(seen['dataset-status']).toContain('tokenizing');
      expect(seen['dataset-rate']!.some((t) => /^\d+\.\d$/.test(t))).toBe(true);
      expect(seen['dataset-time-left']!.some((t) => /^\d+ s$/.test(t))).toBe(true);
      await expect(page.getByTestId('dataset-resumed')).toHaveText('0');

      // Killed mid-tokenization: the run does not exist yet, the committed shard does.
      await page.reload();
      await expect(page.getByTestId('status')).toHaveText('idle');
      await goesOnFromItsShard(page, setQuota, file);
      await expect(page.getByTestId('dataset-progress')).toHaveText('100');
      const tokens = Number(
        (await page.getByTestId('dataset-tokens').textContent())!.replace(/,/g, ''),
      );
      expect(tokens).toBeGreaterThan(30e6);
      await expect(page.getByTestId('status')).toHaveText('training');
      await waitForStep(page, 8);

      // Killed mid-training: the run resumes from its shards at or after the last committed step.
      const committed = () => percent(page, 'last-snapshot-step');
      await expect.poll(committed, { timeout: 120_000 }).toBeGreaterThanOrEqual(4);
      const last = await committed();
      await page.reload();
      await expect(page.getByTestId('notice')).toContainText(/Resuming .* from step \d+/);
      const resumedFrom = Number(
        /from step (\d+)/.exec((await page.getByTestId('notice').textContent())!)![1],
      );
      expect(resumedFrom).toBeGreaterThanOrEqual(last);
      await expect(page.getByTestId('dataset-status')).toHaveText('ready');
      await expect(page.getByTestId('status')).toHaveText('training');
      await waitForStep(page, resumedFrom + 2);
      expect(await stepOf(page)).toBeGreaterThan(resumedFrom);
      await expect(page.getByTestId('error')).toHaveText('');
    },
    (p) => recordTexts(p, ['dataset-status', 'dataset-rate', 'dataset-time-left']),
  );
});

test('shards gone (site data cleared): the page waits for the same file, refuses another, then trains', async ({
  ownPage: page,
}) => {
  test.setTimeout(300_000);
  const file = corpusFile('corpus-gone', 2, 11);
  const other = corpusFile('corpus-other', 2, 12);
  await page.goto(SHARDS);
  await expect(page.getByTestId('status')).toHaveText('idle');
  await page.getByLabel('Training text file').setInputFiles(file);
  await expect(page.getByTestId('dataset-status')).toHaveText('ready', { timeout: 120_000 });
  const tokens = await page.getByTestId('dataset-tokens').textContent();
  await waitForStep(page, 4);
  await expect.poll(() => percent(page, 'last-snapshot-step')).toBeGreaterThanOrEqual(2);

  // The shards are deleted with no page of the app open (its worker holds them open), from a
  // document of the same origin that is not the app: its stylesheet.
  const style = await page.evaluate(
    () => document.querySelector<HTMLLinkElement>('link[rel="stylesheet"]')!.href,
  );
  const context = page.context();
  const cleaner = await context.newPage();
  await page.close();
  await cleaner.goto(style);
  await cleaner.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('corpora', { recursive: true });
  });
  const app = await context.newPage();
  await cleaner.close();
  await app.goto(SHARDS);
  await expect(app.getByTestId('dataset-status')).toHaveText('waiting for file');
  await expect(app.getByTestId('dataset-phase')).toContainText('corpus-gone');
  await expect(app.getByTestId('error')).toContainText('token shards');

  // Another text: refused by name, nothing trains.
  await app.getByLabel('Training text file').setInputFiles(other);
  await expect(app.getByTestId('error')).toContainText('its SHA-256 differs');
  await expect(app.getByTestId('dataset-status')).toHaveText('waiting for file');
  await expect(app.getByTestId('status')).not.toHaveText('training');

  // The same file: tokenized anew, and the run goes on from its stored snapshot.
  await app.getByLabel('Training text file').setInputFiles(file);
  await expect(app.getByTestId('dataset-status')).toHaveText('ready', { timeout: 120_000 });
  await expect(app.getByTestId('dataset-tokens')).toHaveText(tokens!);
  await expect(app.getByTestId('status')).toHaveText('training');
  await expect(app.getByTestId('notice')).toContainText(/Resuming .* from step \d+/);
  const from = Number(/from step (\d+)/.exec((await app.getByTestId('notice').textContent())!)![1]);
  expect(from).toBeGreaterThanOrEqual(2);
  await waitForStep(app, from + 2);
  await expect(app.getByTestId('error')).toHaveText('');
});

test('Cancel stops tokenizing and keeps the committed shards: the same file goes on from them', async () => {
  test.setTimeout(300_000);
  const file = corpusFile('corpus-cancel', 40, 5);
  await whilePausedTokenizing(file, async ({ page, setQuota }) => {
    await page.getByTestId('dataset-cancel').click();
    await expect(page.getByTestId('error')).toContainText('Tokenizing was cancelled');
    await expect(page.getByTestId('dataset-status')).toHaveText('stopped');
    await expect(page.getByTestId('dataset-cancel')).toBeHidden();
    await expect(page.getByTestId('status')).toHaveText('idle');

    await goesOnFromItsShard(page, setQuota, file);
    await expect(page.getByTestId('status')).toHaveText('training');
    await waitForStep(page, 2);
    await expect(page.getByTestId('error')).toHaveText('');
  });
});
