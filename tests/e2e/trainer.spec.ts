import { expect, test, type Page } from '@playwright/test';

async function stepOf(page: Page): Promise<number> {
  return Number(await page.getByTestId('step').textContent());
}

test('trains on WebGPU: the step advances and the loss falls', async ({ page }) => {
  await page.goto('/?backend=webgpu&model=mlp&batch=16&width=32&embed=8&seed=1');
  await expect(page.getByTestId('backend')).toHaveText('webgpu');
  await expect(page.getByTestId('status')).toHaveText('training');
  await expect.poll(() => stepOf(page)).toBeGreaterThanOrEqual(3);
  const early = Number(await page.getByTestId('loss').textContent());
  await expect.poll(() => stepOf(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(40);
  await expect
    .poll(async () => Number(await page.getByTestId('loss').textContent()))
    .toBeLessThan(early - 0.3);
  await expect(page.getByTestId('error')).toHaveText('');
});
