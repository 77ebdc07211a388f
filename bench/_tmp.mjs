import { chromium } from '@playwright/test';
import { serveStatic } from './runner/static-server.mjs';
import { runInFreshPage } from './runner/browser-case.mjs';
const server = await serveStatic('/work/main/dist');
const port = new URL(server.url).port;
const { execSync } = await import('node:child_process');
console.log(execSync(`curl -s --path-as-is -o /dev/null -w '%{http_code}' http://127.0.0.1:${port}/../package.json; curl -s -o /dev/null -w ' %{http_code}' http://127.0.0.1:${port}/%2e%2e/package.json`).toString());
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-webgl', '--disable-features=WebGPU'] });
for (const backend of ['webgpu', 'webgl']) {
  const spec = {suite:'training',size:'small',backend,config:{model:'mlp'},warmupSteps:1,minSteps:2,maxSteps:3,budgetMs:500};
  const r = await runInFreshPage(browser, `${server.url}/bench/index.html`, spec, 30000);
  console.log(backend, r.row?.status, r.row?.reason, r.error);
}
const spec = {suite:'training',size:'small',backend:'cpu',config:{model:'mlp'},warmupSteps:1,minSteps:2,maxSteps:3,budgetMs:500};
console.log(await runInFreshPage(browser, `${server.url}/bench/index.html`, spec, 50));
await browser.close(); await server.close();
