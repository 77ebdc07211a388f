import { test as base } from '@playwright/test';
import type { EngineBrowser, EngineName } from './engine-page';
import { launchFirefox } from './firefox';
import { launchWebKit } from './webkit';
import { startXvfb } from './xvfb';

export const PORT = Number(process.env['E2E_PORT'] ?? 4173);
// 127.0.0.1, not localhost: WebKitGTK resolves localhost to ::1 first, and the server listens
// on IPv4. Both are secure contexts, which WebGPU and crypto.subtle need.
export const BASE_URL = `http://127.0.0.1:${PORT}`;

interface WorkerFixtures {
  /** Which engine this project drives (playwright.engines.config.ts). */
  engine: EngineName;
  /** The X display WebKitGTK draws on; null for Firefox, which runs headless. */
  display: string | null;
}

interface TestFixtures {
  /**
   * Starts the engine. Firefox keeps its profile in this test's output folder, so a second
   * launch in the same test finds the first one's storage (as after a crash); every browser
   * launched is closed when the test ends.
   */
  launch: () => Promise<EngineBrowser>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  engine: ['firefox', { option: true, scope: 'worker' }],
  display: [
    async ({ engine }, use) => {
      if (engine !== 'webkit') return use(null);
      const xvfb = await startXvfb();
      await use(xvfb.display);
      await xvfb.stop();
    },
    { scope: 'worker' },
  ],
  launch: async ({ engine, display }, use, info) => {
    const launched: EngineBrowser[] = [];
    const profile = info.outputPath('profile');
    await use(async () => {
      const browser =
        engine === 'firefox' ? await launchFirefox(profile) : await launchWebKit(display!);
      launched.push(browser);
      return browser;
    });
    for (const browser of launched) await browser.close();
  },
});

export { expect } from '@playwright/test';
