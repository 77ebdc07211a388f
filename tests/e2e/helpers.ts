import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

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

/**
 * Pauses the run, takes a snapshot of the paused state and waits until the page shows it
 * committed; returns its step.
 */
export async function pauseAndSnapshot(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await page.getByRole('button', { name: 'Snapshot now' }).click();
  const step = await stepOf(page);
  await expect(page.getByTestId('last-snapshot-step')).toHaveText(String(step));
  return step;
}

/** The `__metadata__` of an exported checkpoint (a safetensors file): its string values by key. */
export function checkpointMetadata(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const length = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')).__metadata__;
}
