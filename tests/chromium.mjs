// Plain ESM so that both playwright.config.ts and the Node bench runner (bench/run-bench.mjs)
// launch the same browser with the same flags.
import { existsSync } from 'node:fs';
import process from 'node:process';

/**
 * WebGPU in headless Chromium without a GPU runs on SwiftShader (Vulkan on the CPU); the rest
 * keep the browser off the (closed) network.
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's /usr/bin/chromium where present (Playwright cannot download its own on a closed
 * network), or CHROMIUM_PATH, or undefined for Playwright's bundled Chromium elsewhere.
 */
export const CHROMIUM_PATH =
  process.env['CHROMIUM_PATH'] ??
  (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
