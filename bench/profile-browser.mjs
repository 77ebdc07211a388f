// `npm run profile:browser`: the step profile of `npm run profile` in headless Chromium, on the
// app's own bundle (dist/bench/profile.html, cross-origin isolated): WASM as the app runs it
// (the trainer's kernels, a thread per logical core) and on one thread, the fused layer norm
// from its Vite asset, and WebGPU's dispatches and submits per step. Prints each case's report;
// PROFILE_OUT=path writes them too.
//
//   PROFILE_CASES=wasm,wasm1,webgpu   which cases (wasm1: WASM with 1 XNNPACK thread; kernels:
//   the WASM kernel comparisons alone; cpu: the CPU backend with the trainer's kernels and pool)
import { writeFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';
import { launchBrowser } from './runner/browser-case.mjs';
import { serveStatic } from './runner/static-server.mjs';

const CASES = {
  wasm: { backend: 'wasm', warmupSteps: 3, timedSteps: 10, profiledSteps: 3 },
  wasm1: { backend: 'wasm', threads: 1, warmupSteps: 3, timedSteps: 10, profiledSteps: 3 },
  // The kernel comparisons alone: the fused layer norm in the threaded build's shared memory.
  kernels: { backend: 'wasm', profile: false, warmupSteps: 0, timedSteps: 0, profiledSteps: 0 },
  // The CPU backend as the app runs it: the trainer's kernels, the pool where cross-origin isolated.
  cpu: { backend: 'cpu', warmupSteps: 2, timedSteps: 6, profiledSteps: 2 },
  // SwiftShader here: a few steps are enough to count what each step asks of the device.
  webgpu: { backend: 'webgpu', warmupSteps: 1, timedSteps: 2, profiledSteps: 0 },
};
const names = (process.env['PROFILE_CASES'] ?? 'wasm,wasm1,webgpu').split(',');
const DIST = fileURLToPath(new URL('../dist', import.meta.url));

const server = await serveStatic(DIST);
const browser = await launchBrowser();
const reports = [];
try {
  for (const name of names) {
    const spec = CASES[name.trim()];
    if (spec === undefined)
      throw new Error(`PROFILE_CASES names "${name}": use ${Object.keys(CASES)}.`);
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.error(`[page] ${err.message}`));
    try {
      await page.goto(`${server.url}/bench/profile.html`);
      await page.waitForFunction(() => typeof globalThis.runProfile === 'function');
      const text = await page.evaluate((s) => globalThis.runProfile(s), spec);
      console.log(`## ${name}\n${text}\n`);
      reports.push(`## ${name}\n${text}`);
    } catch (err) {
      console.log(`## ${name}: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const out = process.env['PROFILE_OUT'];
if (out !== undefined) writeFileSync(out, `${reports.join('\n\n')}\n`);
