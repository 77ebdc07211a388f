import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder, By, until, type WebDriver } from 'selenium-webdriver';
import { byName, fileInputLabelled, type EngineBrowser, type EnginePage } from './engine-page';
import { processesInGroup } from './process-group';

export const WEBKIT_DRIVER_PATH = process.env['WEBKIT_DRIVER_PATH'] ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH =
  process.env['MINIBROWSER_PATH'] ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

class WebKitPage implements EnginePage {
  constructor(private readonly driver: WebDriver) {}

  async goto(url: string): Promise<void> {
    await this.driver.get(url);
  }
  async reload(): Promise<void> {
    await this.driver.navigate().refresh();
  }
  run<T>(body: string): Promise<T> {
    // WebDriver's Execute Script awaits a returned promise.
    return this.driver.executeScript(body) as Promise<T>;
  }
  async click(name: string): Promise<void> {
    const button = await this.driver.wait(until.elementLocated(By.xpath(byName('button', name))));
    await this.driver.wait(until.elementIsEnabled(button));
    await button.click();
  }
  async chooseFile(label: string, file: string): Promise<void> {
    const input = await this.driver.wait(until.elementLocated(By.xpath(fileInputLabelled(label))));
    await input.sendKeys(file);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls the driver's /status until it answers; fails if the driver exits or 30 s pass. */
async function driverReady(url: string, driver: ChildProcess): Promise<void> {
  let exitCode: number | null | undefined;
  driver.once('exit', (code) => (exitCode = code));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`WebKitWebDriver exited with ${exitCode}`);
    const ok = await fetch(`${url}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the poll's interval
  }
  throw new Error(`WebKitWebDriver did not answer at ${url} within 30 s`);
}

/**
 * WebKitGTK's MiniBrowser under WebKitWebDriver, on the X display `display` (it has no
 * headless mode). The driver is started detached, so MiniBrowser and its WebKit processes
 * share its process group. MiniBrowser in automation mode keeps its website data in memory
 * (an ephemeral data store), so kill() SIGKILLs the page's web content processes, as a crash
 * or iOS's memory killer does, and keeps the network process that holds that data.
 */
export async function launchWebKit(display: string): Promise<EngineBrowser> {
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: display },
  });
  const pgid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await driverReady(url, child);
  const driver = await new Builder()
    .usingServer(url)
    .withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
    })
    .build();
  return {
    page: new WebKitPage(driver),
    async kill() {
      const pages = processesInGroup(pgid).filter((p) => p.name === 'WebKitWebProcess');
      if (pages.length === 0) throw new Error('no WebKitWebProcess to kill');
      for (const p of pages) process.kill(p.pid, 'SIGKILL');
    },
    async close() {
      await driver.quit().catch(() => undefined);
      process.kill(-pgid, 'SIGKILL');
      await exited;
    },
  };
}
