import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { byName, fileInputLabelled, type EngineBrowser, type EnginePage } from './engine-page';

export const FIREFOX_PATH = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

class FirefoxPage implements EnginePage {
  constructor(readonly page: Page) {}

  async goto(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'load' });
  }
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'load' });
  }
  run<T>(body: string): Promise<T> {
    return this.page.evaluate(`(() => { ${body} })()`) as Promise<T>;
  }
  async click(name: string): Promise<void> {
    await this.page.locator(`::-p-xpath(${byName('button', name)})`).click();
  }
  async chooseFile(label: string, file: string): Promise<void> {
    const input = await this.page.waitForSelector(`::-p-xpath(${fileInputLabelled(label)})`);
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file);
  }
}

/**
 * Firefox ESR over WebDriver BiDi, on a profile folder that outlives it. puppeteer-core starts
 * it detached, in a process group of its own, so kill() reaches every content process too.
 */
export async function launchFirefox(profile: string): Promise<EngineBrowser> {
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    userDataDir: profile,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const child = browser.process();
  if (child === null || child.pid === undefined) throw new Error('Firefox did not start');
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  if (process.env['ENGINES_DEBUG']) {
    page.on('console', (m) => console.log(`[firefox console] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[firefox pageerror] ${String(e)}`));
  }
  return {
    page: new FirefoxPage(page),
    async kill() {
      process.kill(-pid, 'SIGKILL');
      await exited;
      browser.disconnect().catch(() => undefined);
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGKILL');
      await exited;
    },
  };
}
