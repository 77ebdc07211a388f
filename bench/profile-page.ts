import { wrap } from 'comlink';
import type { ProfileCase } from './profile/profile-case';

declare global {
  interface Window {
    /** Runs one profile case in a fresh worker; resolves to its text report. */
    runProfile(spec: ProfileCase): Promise<string>;
  }
}

window.runProfile = async (spec) => {
  const worker = new Worker(new URL('./profile.worker.ts', import.meta.url), {
    type: 'module',
    name: 'profile',
  });
  // comlink alone would leave the call pending forever if the worker fails to load or dies.
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) =>
      reject(new Error(`The profile worker died: ${event.message || 'failed to load'}`)),
    );
  });
  try {
    return await Promise.race([
      wrap<{ run(s: ProfileCase): Promise<string> }>(worker).run(spec),
      crashed,
    ]);
  } finally {
    worker.terminate();
  }
};
