import { test as base, type Browser, type Page } from '@playwright/test';
import { BASE_URL, CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config';

/**
 * `ownBrowser`: a browser launched for this test alone, and `ownPage`, a page in it. Every page of
 * a browser shares one GPU process, and late in the full suite the earlier tests' GPU work slowed
 * SwiftShader's WebGPU steps several-fold in the shared browser (a 30-step wait ran out at step 22
 * in CI). Tests whose pace depends on WebGPU take a browser of their own.
 */
export const test = base.extend<{ ownBrowser: Browser; ownPage: Page }>({
  ownBrowser: async ({ playwright }, use) => {
    const browser = await playwright.chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    });
    await use(browser);
    await browser.close();
  },
  ownPage: async ({ ownBrowser }, use) => {
    const context = await ownBrowser.newContext({ baseURL: BASE_URL });
    await use(await context.newPage());
  },
});
