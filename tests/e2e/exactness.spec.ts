import { expect, type Browser } from '@playwright/test';
import path from 'node:path';
import { BASE_URL } from '../../playwright.config';
import { compare, exportAt } from './checkpoint-compare';
import { pauseAndSnapshot, waitForStep } from './helpers';
import { test } from './own-browser';

const MLP = `model=mlp&batch=16&width=32&embed=8&context=3&seed=5`;
// Every trainer kernel on WASM (attention, GELU, layer norm, embedding, dense, loss, Adam), with
// XNNPACK on every core.
const TRANSFORMER = `model=transformer&batch=16&width=64&embed=32&layers=2&heads=2&context=8&seed=5`;
// gpt on the same kernels (tied head, AdamW's decay inside TpAdam, dropout's host masks around
// the ops) is interrupted by a browser SIGKILL in gpt-exactness.spec.ts, on CPU, WASM and WebGPU.
// WASM trains tens of steps a second: its budget leaves room for the interruption to land early.
// So does WebGPU on the trainer's WGSL kernels (issue 19: ~20 MLP steps a second on SwiftShader
// after the first, where 60 steps ended before the Pause click landed).
const CASES = [
  { backend: 'webgpu', model: 'mlp', config: MLP, steps: 600 },
  { backend: 'wasm', model: 'mlp', config: MLP, steps: 600 },
  { backend: 'wasm', model: 'transformer', config: TRANSFORMER, steps: 300 },
  { backend: 'webgl', model: 'mlp', config: MLP, steps: 60 },
] as const;

/** Trains a fresh run to its step budget in its own profile and exports it. */
async function straightRun(
  browser: Browser,
  url: string,
  backend: string,
  steps: number,
  file: string,
) {
  const page = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  await page.goto(url);
  await expect(page.getByTestId('backend')).toHaveText(backend);
  await waitForStep(page, steps);
  await expect(page.getByTestId('status')).toHaveText('paused');
  await exportAt(page, steps, file);
}

// WebGL's snapshots are read through tfjs's internals (webgl-staging.ts), not data(): a byte
// read wrong there would show as a resumed run that drifts from the straight one.
for (const { backend, model, config, steps: STEPS } of CASES) {
  test(`on ${backend}, a run of the ${model} interrupted and resumed matches the uninterrupted run`, async ({
    ownBrowser,
  }, info) => {
    test.setTimeout(300_000);
    const browser = ownBrowser;
    const URL = `/?backend=${backend}&${config}&steps=${STEPS}`;
    const a = path.join(info.outputDir, 'straight.safetensors');
    await straightRun(browser, URL, backend, STEPS, a);

    if (backend === 'wasm') {
      // Two runs of the same seed, in two profiles, are the same bit for bit.
      const again = path.join(info.outputDir, 'straight-again.safetensors');
      await straightRun(browser, URL, backend, STEPS, again);
      expect(compare(a, again).differing).toBe(0);
    }

    const broken = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
    await broken.goto(URL);
    await waitForStep(broken, 5);
    const k = await pauseAndSnapshot(broken);
    expect(k).toBeLessThan(STEPS - 10); // the interruption must leave steps to redo
    await broken.reload();
    await expect(broken.getByTestId('notice')).toContainText(`from step ${k}`);
    await expect(broken.getByTestId('backend')).toHaveText(backend);
    await waitForStep(broken, STEPS);
    await expect(broken.getByTestId('status')).toHaveText('paused');
    const b = path.join(info.outputDir, 'resumed.safetensors');
    await exportAt(broken, STEPS, b);

    const { differing, largest } = compare(a, b);
    const figure = `interrupted at step ${k}, compared at step ${STEPS}: ${differing} differing values, largest difference ${largest}`;
    info.annotations.push({ type: `${backend}-${model}-exactness`, description: figure });
    console.log(`${backend} ${model} exactness: ${figure}`);
    expect(differing).toBe(0);
  });
}
