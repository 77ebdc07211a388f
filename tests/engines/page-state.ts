import { expect } from '@playwright/test';
import type { EnginePage } from './engine-page';

/** The text of the page's `data-testid` element, or null while there is none. */
export function testId(page: EnginePage, id: string): Promise<string | null> {
  return page.run(
    `return document.querySelector('[data-testid=${JSON.stringify(id)}]')?.textContent ?? null;`,
  );
}

/** How many `data-testid` elements of this id the page shows. */
export function countOf(page: EnginePage, id: string): Promise<number> {
  return page.run(
    `return document.querySelectorAll('[data-testid=${JSON.stringify(id)}]').length;`,
  );
}

/** A number the page shows, or -1 while it shows none (e.g. no snapshot committed yet). */
export async function numberOf(page: EnginePage, id: string): Promise<number> {
  const text = await testId(page, id);
  return text === null || text === '' ? -1 : Number(text);
}

/** Waits until the page's `id` element reads `expected` (a string or a pattern). */
export async function waitForText(
  page: EnginePage,
  id: string,
  expected: string | RegExp,
): Promise<string> {
  try {
    await expect
      .poll(() => testId(page, id), { message: `data-testid=${id}` })
      .toMatch(typeof expected === 'string' ? new RegExp(`^${escape(expected)}$`) : expected);
  } catch (err) {
    throw new Error(`${String(err)}\nthe page then showed: ${await pageSummary(page)}`, {
      cause: err,
    });
  }
  return (await testId(page, id))!;
}

/** What the page says of itself, for a failure's message: status, step, notice and error. */
async function pageSummary(page: EnginePage): Promise<string> {
  const ids = ['status', 'step', 'last-snapshot-step', 'notice', 'error', 'dataset-status'];
  try {
    const shown = await Promise.all(
      ids.map(async (id) => `${id}=${JSON.stringify(await testId(page, id))}`),
    );
    return shown.join(', ');
  } catch (err) {
    return `(unreadable: ${String(err)})`;
  }
}

/** Waits until the page's number `id` is at least `least`; returns what it then shows. */
export async function waitForAtLeast(page: EnginePage, id: string, least: number): Promise<number> {
  await expect
    .poll(() => numberOf(page, id), { message: `data-testid=${id}` })
    .toBeGreaterThanOrEqual(least);
  return numberOf(page, id);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The step a "Resuming … from step N" notice names. */
export function resumedFrom(notice: string): number {
  const match = /from step (\d+)/.exec(notice);
  if (match === null) throw new Error(`no resume step in "${notice}"`);
  return Number(match[1]);
}

/** Pauses, snapshots the paused state and waits until the page shows it committed. */
export async function pauseAndSnapshot(page: EnginePage): Promise<number> {
  await page.click('Pause');
  await waitForText(page, 'status', 'paused');
  await page.click('Snapshot now');
  const step = await numberOf(page, 'step');
  await waitForText(page, 'last-snapshot-step', String(step));
  return step;
}
