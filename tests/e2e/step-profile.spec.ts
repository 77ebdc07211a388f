import { expect, test } from '@playwright/test';
import { stepOf, TINY, waitForStep } from './helpers';
import { test as ownBrowserTest } from './own-browser';

const GPU_WORK =
  /^GPU work of step (\d+) \(.*\): (\d+) dispatches, (\d+) queue submits, (\d+) compute passes$/m;

test('with ?debug=1 the page profiles a training step op by op; without it there is no such panel', async ({
  page,
}) => {
  await page.goto(`/?backend=wasm&${TINY}&debug=1`);
  await waitForStep(page, 3);
  const profile = page.getByTestId('step-profile');
  await expect(profile).toHaveText('');
  await page.getByRole('button', { name: 'Profile a step' }).click();
  await expect(profile).toContainText('wasm: ');
  // Dispatches and submits are WebGPU's: on WASM the panel says n/a.
  await expect(profile).toContainText('GPU work: n/a (wasm;');
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

ownBrowserTest(
  'on WebGPU the profile also shows the dispatches and submits of one plain step, counted afresh each time',
  async ({ ownPage: page }) => {
    await page.goto(`/?backend=webgpu&${TINY}&debug=1`);
    await waitForStep(page, 3);
    const profile = page.getByTestId('step-profile');
    const button = page.getByRole('button', { name: 'Profile a step' });
    /** Profiles a step; waits for a profile newer than the one of step `before`. */
    const counted = async (before?: number) => {
      await button.click();
      if (before !== undefined)
        await expect(profile).not.toContainText(`GPU work of step ${before} (`);
      await expect(profile).toHaveText(GPU_WORK);
      await expect(profile).toContainText('webgpu: ');
      const [, step, dispatches, submits, passes] = GPU_WORK.exec(
        (await profile.textContent()) ?? '',
      )!.map(Number);
      return { step: step!, dispatches: dispatches!, submits: submits!, passes: passes! };
    };
    const first = await counted();
    expect(first.dispatches).toBeGreaterThan(0);
    expect(first.submits).toBeGreaterThan(0);
    // tfjs begins a compute pass only to dispatch into it.
    expect(first.passes).toBeGreaterThan(0);
    expect(first.passes).toBeLessThanOrEqual(first.dispatches);
    const second = await counted(first.step);
    // A later step of the same model dispatches the same programs: the count is one step's,
    // not a running total.
    expect(second.step).toBeGreaterThan(first.step);
    expect(second.dispatches).toBe(first.dispatches);
    await expect(page.getByTestId('error')).toHaveText('');
    console.log(`webgpu, one step of ${TINY}:`, first, second);
  },
);
