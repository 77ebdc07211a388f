import { defineConfig } from '@playwright/test';
import type { EngineName } from './tests/engines/engine-page';

// The smoke suite in the other engines (tests/engines): Firefox ESR through puppeteer-core
// (WebDriver BiDi), WebKitGTK's MiniBrowser through WebKitWebDriver. Chromium keeps the full
// suite (playwright.config.ts). The built app is served by a plain static server that sends
// the isolation headers on every response (tests/engines/serve-dist.mjs).
const PORT = Number(process.env['E2E_PORT'] ?? 4173);

export default defineConfig({
  testDir: 'tests/engines',
  timeout: 240_000,
  expect: { timeout: 90_000 },
  // One browser at a time: the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  projects: (['firefox', 'webkit'] as const satisfies readonly EngineName[]).map((engine) => ({
    name: engine,
    use: { engine },
  })),
  webServer: {
    command: `node tests/engines/serve-dist.mjs ${PORT}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env['CI'],
    timeout: 30_000,
  },
});
