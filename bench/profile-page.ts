import { wrap } from 'comlink';
import type { ProfileCase } from './profile/profile-case';
import type { KernelCheckRow } from './profile/rel-diff';

type KernelCheck = { registered: Record<string, boolean>; rows: KernelCheckRow[] };

declare global {
  interface Window {
    /** Runs one profile case in a fresh worker; resolves to its text report. */
    runProfile(spec: ProfileCase): Promise<string>;
    /** Checks the WebGPU kernels against the CPU composites in a fresh worker. */
    checkWebGpuKernels(): Promise<KernelCheck>;
  }
}

interface ProfileWorker {
  run(s: ProfileCase): Promise<string>;
  checkWebGpuKernels(): Promise<KernelCheck>;
}

window.runProfile = (spec) => inFreshWorker((api) => api.run(spec));
window.checkWebGpuKernels = () => inFreshWorker((api) => api.checkWebGpuKernels());

async function inFreshWorker<T>(call: (api: ProfileWorker) => Promise<T>): Promise<T> {
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
    return await Promise.race([call(wrap<ProfileWorker>(worker)), crashed]);
  } finally {
    worker.terminate();
  }
}
