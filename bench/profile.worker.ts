import { expose } from 'comlink';
import { selectBackend } from '../workers/bench-surface';
import { runProfileCase } from './profile/browser-case';
import type { ProfileCase } from './profile/profile-case';
import { checkWebGpuKernels } from './profile/webgpu-kernel-check';

// One case per worker, as bench.worker.ts: tfjs keeps the backend it was given.
expose({
  run: (spec: ProfileCase): Promise<string> => runProfileCase(spec),
  /** The WebGPU kernels against the CPU composites (tests/e2e/webgpu-kernels.spec.ts). */
  async checkWebGpuKernels() {
    await selectBackend('webgpu');
    return checkWebGpuKernels();
  },
});
