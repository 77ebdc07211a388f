import { expect, type Page } from '@playwright/test';

export async function stepOf(page: Page): Promise<number> {
  return Number(await page.getByTestId('step').textContent());
}

export async function lossOf(page: Page): Promise<number> {
  return Number(await page.getByTestId('loss').textContent());
}

/** Waits until the run has trained at least `steps` steps, as the page shows it. */
export async function waitForStep(page: Page, steps: number, timeout = 120_000): Promise<number> {
  await expect.poll(() => stepOf(page), { timeout }).toBeGreaterThanOrEqual(steps);
  return stepOf(page);
}

/** A small, fast run config for SwiftShader, as URL parameters. */
export const TINY = 'model=mlp&batch=16&width=32&embed=8&context=3&seed=1';
