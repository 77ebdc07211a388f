import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Builder, By, until, type WebDriver } from 'selenium-webdriver';
import { byName, fileInputLabelled, type EngineBrowser, type EnginePage } from './engine-page';
import { descendantsOf } from './process-tree';

export const WEBKIT_DRIVER_PATH = process.env['WEBKIT_DRIVER_PATH'] ?? '/usr/bin/WebKitWebDriver';
/** Debian ships MiniBrowser with libwebkit2gtk-4.1-0, under the architecture's lib folder. */
export const MINIBROWSER_PATH =
  process.env['MINIBROWSER_PATH'] ??
  readdirSync('/usr/lib')
    .map((arch) => `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`)
    .find((path) => existsSync(path)) ??
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

class WebKitPage implements EnginePage {
  /** Replaced after a crash: WebKitWebDriver ends a session whose page crashed. */
  driver!: WebDriver;

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

/**
 * A new WebDriver session on the running MiniBrowser, asked for until the driver and the
 * browser's automation server answer (both are starting), for at most 30 s.
 */
async function newSession(url: string, started: ChildProcess[]): Promise<WebDriver> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const dead = started.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (dead !== undefined) throw new Error(`${dead.spawnfile} exited (${dead.exitCode})`);
    try {
      return await new Builder()
        .usingServer(url)
        .withCapabilities({ browserName: 'MiniBrowser' })
        .build();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the poll's interval
  }
}

/**
 * Waits until the driver has ended `driver`'s session for its crashed page ("session deleted
 * because of page crash or hang"), which it does on a command after the crash: a session asked
 * for before that would be refused, or handed the crashed view.
 */
async function sessionEnded(driver: WebDriver): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ended = await driver.getCurrentUrl().then(
      () => false,
      (err: Error) => err.name === 'NoSuchSessionError',
    );
    if (ended) return;
    await new Promise((resolve) => setTimeout(resolve, 200)); // the poll's interval
  }
  throw new Error('WebKitWebDriver kept the session of the killed page for 30 s');
}

/**
 * WebKitGTK's MiniBrowser on the X display `display` (it has no headless mode), driven by
 * WebKitWebDriver attached to it (`--target`, through the browser's automation server) rather
 * than starting it: MiniBrowser in automation mode keeps website data in memory (an ephemeral
 * data store), and the driver ends its session when a page crashes, so only a browser that
 * outlives the session lets a test crash the page and open it again on the same data. kill()
 * SIGKILLs the page's web content processes, as a crash or iOS's memory killer does; the
 * network process, which holds IndexedDB, stays.
 */
export async function launchWebKit(display: string): Promise<EngineBrowser> {
  const [driverPort, inspectorPort] = [await freePort(), await freePort()];
  const env = { ...process.env, DISPLAY: display };
  const browser = spawn(MINIBROWSER_PATH, ['--automation'], {
    detached: true,
    stdio: 'ignore',
    env: { ...env, WEBKIT_INSPECTOR_SERVER: `127.0.0.1:${inspectorPort}` },
  });
  const driver = spawn(
    WEBKIT_DRIVER_PATH,
    [`--port=${driverPort}`, `--target=127.0.0.1:${inspectorPort}`],
    { detached: true, stdio: 'ignore', env },
  );
  const started = [browser, driver];
  const exits = started.map((p) => new Promise<void>((resolve) => p.once('exit', () => resolve())));
  const url = `http://127.0.0.1:${driverPort}`;
  const page = new WebKitPage();
  page.driver = await newSession(url, started);
  return {
    page,
    async kill() {
      // comm is cut at 15 characters: "WebKitWebProces".
      const pages = descendantsOf(browser.pid!).filter((p) => p.name.startsWith('WebKitWebProces'));
      if (pages.length === 0) throw new Error('no WebKitWebProcess to kill');
      for (const p of pages) process.kill(p.pid, 'SIGKILL');
      await sessionEnded(page.driver);
      page.driver = await newSession(url, started);
    },
    async close() {
      await page.driver.quit().catch(() => undefined);
      // WebKit starts its processes in sessions of their own: reach them by ancestry.
      const left = [...descendantsOf(browser.pid!), ...descendantsOf(driver.pid!)];
      for (const p of [...started, ...left]) {
        try {
          process.kill(p.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await Promise.all(exits);
    },
  };
}
