import { expect, test } from '@playwright/test';
import { stepOf, TINY, waitForStep } from './helpers';

test('with ?debug=1 the page profiles a training step op by op; without it there is no such panel', async ({
  page,
}) => {
  await page.goto(`/?backend=wasm&${TINY}&debug=1`);
  await waitForStep(page, 3);
  const profile = page.getByTestId('step-profile');
  await expect(profile).toHaveText('');
  await page.getByRole('button', { name: 'Profile a step' }).click();
  await expect(profile).toContainText('wasm: ');
  await expect(profile).toContainText('kernel calls');
  for (const phase of ['forward', 'backward', 'optimizer'])
    await expect(profile).toContainText(phase);
  await expect(profile).toContainText('input shapes');
  // The profiled step was a step of the run: training goes on.
  const after = await stepOf(page);
  await waitForStep(page, after + 2);
  await expect(page.getByTestId('error')).toHaveText('');

  // Paused, there is no loop step to profile: the button rests.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByRole('button', { name: 'Profile a step' })).toBeDisabled();

  await page.goto(`/?backend=wasm&${TINY}`);
  await expect(page.getByTestId('status')).toHaveText(/training|paused/);
  await expect(page.getByTestId('step-profile')).toHaveCount(0);
});
