import { chromium, type Browser } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../playwright.config';

export interface KillableBrowser {
  readonly browser: Browser;
  /** SIGKILLs the browser's whole process group: every renderer, GPU and utility process. */
  killAll(): Promise<void>;
}

/**
 * Chromium started by hand in its own process group on a persistent profile, so a test can kill
 * every one of its processes at once, as a crash or the OOM killer would, and start it again on
 * the same profile. Playwright attaches over CDP.
 */
export async function launchKillable(userDataDir: string): Promise<KillableBrowser> {
  const executable = CHROMIUM_PATH ?? chromium.executablePath();
  const child: ChildProcess = spawn(
    executable,
    [
      ...CHROMIUM_ARGS,
      '--headless',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no DevTools endpoint: ${seen}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`chromium exited with ${code}: ${seen}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    browser,
    async killAll() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
