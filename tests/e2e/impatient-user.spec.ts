import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TINY, stepOf, waitForStep } from './helpers';

// A user who does not wait for the page: every case runs in a fresh browser context (its own
// storage), and is judged by what the page shows once it has settled.

const URL = `/?backend=cpu&${TINY}`;
const inspected = path.resolve(import.meta.dirname, '../fixtures/malformed/valid-v3.safetensors');

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/**
 * The page tells the truth: steps advance if and only if the status is `training`, Pause is
 * enabled if and only if this tab trains, and the status is a settled one.
 */
async function expectTruthful(page: Page): Promise<void> {
  const status = page.getByTestId('status');
  // The settled status is read in the same look that finds it settled: a status read after the
  // check could already be the next transition's (resuming) and judge the page by it.
  let shown = '';
  await expect
    .poll(async () => (shown = (await status.textContent()) ?? ''))
    .toMatch(/^(idle|training|paused|watching|error)$/);
  if (shown === 'training') {
    await expect(button(page, 'Pause')).toBeEnabled();
    await expect(button(page, 'Start')).toBeDisabled();
    await waitForStep(page, (await stepOf(page)) + 3);
    await expect(status).toHaveText('training');
  } else {
    await expect(button(page, 'Pause')).toBeDisabled();
    if (shown === 'paused') {
      // A round trip through the worker (a snapshot of this exact state) and no step taken.
      const step = await stepOf(page);
      await button(page, 'Snapshot now').click();
      await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(step));
      expect(await stepOf(page)).toBe(step);
    }
  }
}

/** Clicks `name` in the page itself on every frame it is enabled, from the first one on. */
async function clickWheneverEnabled(page: Page, name: string, forMs: number): Promise<void> {
  await page.addInitScript(
    ({ name, forMs }) => {
      const w = window as unknown as { impatientClicks: number; statusesClicked: string[] };
      w.impatientClicks = 0;
      w.statusesClicked = [];
      const tick = () => {
        const target = [...document.querySelectorAll('button')].find((b) => b.textContent === name);
        if (target !== undefined && !target.disabled) {
          w.impatientClicks += 1;
          w.statusesClicked.push(
            document.querySelector('[data-testid="status"]')?.textContent ?? '',
          );
          target.click();
        }
        if (performance.now() < forMs) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    { name, forMs },
  );
}

const runCount = (page: Page) => page.getByTestId('run-item').count();

for (const autostart of ['1', '0']) {
  test.describe(`Start clicked the moment it is enabled (autostart=${autostart})`, () => {
    // The race is timing-dependent: try it several times, each in a fresh profile.
    for (let attempt = 1; attempt <= 4; attempt++) {
      test(`attempt ${attempt}`, async ({ page }) => {
        await clickWheneverEnabled(page, 'Start', 6000);
        await page.goto(`${URL}&autostart=${autostart}`);
        await expect(page.getByTestId('status')).toHaveText('training');
        await expect.poll(() => runCount(page)).toBe(1);
        const clicks = await page.evaluate(
          () => (window as unknown as { statusesClicked: string[] }).statusesClicked,
        );
        // Start was only ever enabled, and clicked, in a state where it means something.
        for (const status of clicks) expect(['idle', 'paused']).toContain(status);
        if (autostart === '0') expect(clicks).toEqual(['idle']);
        else expect(clicks).toEqual([]);
        await expectTruthful(page);
        expect(await runCount(page)).toBe(1);
        await expect(page.getByTestId('error')).toHaveText('');
      });
    }
  });
}

test('New run clicked twice quickly makes one new run', async ({ page }) => {
  await page.goto(URL);
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect.poll(() => runCount(page)).toBe(1);
  await button(page, 'New run').dblclick();
  await expect(page.getByTestId('notice')).toContainText('New run');
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect.poll(() => runCount(page)).toBe(2);
  await expectTruthful(page);
  expect(await runCount(page)).toBe(2);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('Pause and Start alternated quickly', async ({ page }) => {
  await page.goto(URL);
  await waitForStep(page, 2);
  for (let i = 0; i < 5; i++) {
    await button(page, 'Pause').click();
    await button(page, 'Start').click();
  }
  // Both in one task, as fast as a script can: the second lands on a resting control.
  await page.evaluate(() => {
    const find = (name: string) =>
      [...document.querySelectorAll('button')].find((b) => b.textContent === name)!;
    find('Pause').click();
    find('Start').click();
  });
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expectTruthful(page);
  await button(page, 'Start').click();
  await expect(page.getByTestId('status')).toHaveText('training');
  await expectTruthful(page);
  expect(await runCount(page)).toBe(1);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('Start, Pause and New run clicked while a reload resumes the run', async ({ page }) => {
  await page.goto(`${URL}&snapshotSeconds=1`);
  await waitForStep(page, 3);
  await expect
    .poll(async () => Number(await page.getByTestId('last-snapshot-step').textContent()))
    .toBeGreaterThan(0);
  // From the first frame after the reload until the run trains again: every status the page
  // shows, and a click on each training button on every frame, recording any that was enabled.
  await page.addInitScript(() => {
    const w = window as unknown as { seen: string[]; enabledWhileBusy: string[] };
    w.seen = [];
    w.enabledWhileBusy = [];
    const tick = () => {
      const status = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      if (w.seen.at(-1) !== status) w.seen.push(status);
      if (status === 'training') return;
      for (const b of document.querySelectorAll<HTMLButtonElement>('#controls button')) {
        if (!b.disabled) w.enabledWhileBusy.push(`${b.textContent} (${status})`);
        b.click();
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.reload();
  await expect(page.getByTestId('notice')).toContainText('Resuming');
  await expect(page.getByTestId('status')).toHaveText('training');
  const { seen, enabledWhileBusy } = await page.evaluate(() => {
    const w = window as unknown as { seen: string[]; enabledWhileBusy: string[] };
    return { seen: w.seen, enabledWhileBusy: w.enabledWhileBusy };
  });
  // The page said what it was doing, never idle with Start enabled while about to resume, and
  // offered no control while it resumed.
  expect(seen).not.toContain('idle');
  expect(seen).toEqual(expect.arrayContaining(['booting', 'training']));
  expect(enabledWhileBusy).toEqual([]);
  await expectTruthful(page);
  expect(await runCount(page)).toBe(1);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a checkpoint file dropped while the page boots is inspected once it has booted', async ({
  page,
}) => {
  const bytes = readFileSync(inspected).toString('base64');
  await page.addInitScript((b64) => {
    const w = window as unknown as { droppedWhile: string };
    // The page's panels are built once its modules have loaded (boot.ts imports main.ts): the
    // file drops the moment the drop zone exists, while the run is still booting.
    const drop = (zone: Element): void => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], 'early.safetensors'));
      w.droppedWhile = document.querySelector('[data-testid="status"]')?.textContent ?? '';
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true }));
    };
    const observer = new MutationObserver(() => {
      const zone = document.querySelector('[data-testid="checkpoint-drop-zone"]');
      if (zone === null || document.querySelector('[data-testid="status"]') === null) return;
      observer.disconnect();
      drop(zone);
    });
    observer.observe(document, { childList: true, subtree: true });
  }, bytes);
  await page.goto(URL);
  // The page's modules may finish loading after the load event: wait for the drop to happen.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { droppedWhile?: string }).droppedWhile))
    .toBe('booting');
  await expect(page.getByTestId('checkpoint-summary')).toContainText('early.safetensors');
  await expect(page.getByTestId('status')).toHaveText('training');
  expect(await runCount(page)).toBe(1);
  // The file was trained on a text this browser lacks: the import is refused, named, and the
  // refusal stays shown while the run trains on.
  await button(page, 'Import as new run').click();
  await expect(page.getByTestId('error')).toContainText('CheckpointDatasetError');
  await expectTruthful(page);
  await expect(page.getByTestId('error')).toContainText('CheckpointDatasetError');
  expect(await runCount(page)).toBe(1);
});

test('a reload in the middle of an import leaves whole runs only', async ({ page }, info) => {
  await page.goto(URL);
  await waitForStep(page, 3);
  const file = info.outputPath('run.safetensors');
  const download = page.waitForEvent('download');
  await button(page, 'Export checkpoint').click();
  await (await download).saveAs(file);
  await page.getByLabel('Import checkpoint').setInputFiles(file);
  await expect(button(page, 'Import as new run')).toBeVisible();
  await button(page, 'Import as new run').click();
  await page.reload();
  await expect(page.getByTestId('status')).toHaveText('training');
  const runs = await runCount(page);
  expect([1, 2]).toContain(runs);
  // Every run listed opens and trains: none was left half-written.
  for (let i = 0; i < runs; i++) {
    const open = page.getByRole('button', { name: /^Open run / });
    if ((await open.count()) === 0) break;
    // The notice already says "Resuming" for the run shown: wait for the opened run's own.
    const shownBefore = await page.getByTestId('notice').textContent();
    await open.first().click();
    await expect(page.getByTestId('notice')).not.toHaveText(shownBefore ?? '');
    await expect(page.getByTestId('notice')).toContainText('Resuming');
    await expect(page.getByTestId('status')).toHaveText('training');
  }
  await expectTruthful(page);
  await expect(page.getByTestId('error')).toHaveText('');
});

test('a second tab on the same run watches, says so, and refuses to delete it', async ({
  context,
}) => {
  const writer = await context.newPage();
  await writer.goto(URL);
  await waitForStep(writer, 3);
  const watcher = await context.newPage();
  watcher.on('dialog', (dialog) => void dialog.accept());
  await watcher.goto(URL);
  await expect(watcher.getByTestId('status')).toHaveText('watching');
  await expect(writer.getByTestId('status')).toHaveText('training');
  await expect(button(watcher, 'Pause')).toBeDisabled();
  await expect(button(watcher, 'Start')).toBeDisabled();
  await expect(button(writer, 'Pause')).toBeEnabled();
  await waitForStep(watcher, (await stepOf(writer)) + 3);
  await watcher.getByRole('button', { name: /^Delete run / }).click();
  await expect(watcher.getByTestId('error')).toContainText('RunBusyError');
  // Progress relayed from the training tab does not clear the refusal.
  await waitForStep(watcher, (await stepOf(watcher)) + 3);
  await expect(watcher.getByTestId('error')).toContainText('RunBusyError');
  await expect(watcher.getByTestId('status')).toHaveText('watching');
  await expectTruthful(writer);
  expect(await runCount(writer)).toBe(1);
});
