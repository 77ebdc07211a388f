import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  selectBackend,
  loadBundledKernels,
  installWasmKernels,
  removeWasmKernels,
  GPT_NANO,
  gptNanoDataset,
  timeSteps,
  bundledNames,
  TrainingSession,
  countGpuWork,
  type GpuCounts,
} from '../../workers/bench-surface';
import { formatBackendProfile, profileGptNano } from './gpt-nano-profile';
import { compareLayerNorm, formatLayerNormRows } from './layer-norm-compare';
import { compareMatMuls, formatMatMulRows } from './matmul-compare';
import type { ProfileCase } from './profile-case';

/** Per step, of the steps timed: what the WebGPU device was asked to do. */
async function gpuCountsPerStep(counts: GpuCounts, spec: ProfileCase): Promise<string> {
  const session = TrainingSession.create(GPT_NANO, gptNanoDataset(bundledNames));
  try {
    await timeSteps(session, spec.warmupSteps);
    const before = { ...counts };
    const times = await timeSteps(session, spec.timedSteps);
    const per = (key: keyof GpuCounts) => (counts[key] - before[key]) / spec.timedSteps;
    return (
      `webgpu: per gpt-nano step ${per('dispatches')} dispatches, ${per('passes')} compute passes, ` +
      `${per('submits')} queue submits; steps took [${times.map((t) => t.toFixed(0)).join(', ')}] ms`
    );
  } finally {
    session.dispose();
  }
}

export async function runProfileCase(spec: ProfileCase): Promise<string> {
  const counts = spec.backend === 'webgpu' ? countGpuWork() : null;
  // WASM: XNNPACK's pool as asked (every logical core by default, as the app does).
  const options = spec.threads === undefined ? {} : { wasmThreads: spec.threads };
  const report = await selectBackend(spec.backend, null, options);
  const head = `${tf.getBackend()} (${report.fallbackReason}), cross-origin isolated: ${self.crossOriginIsolated}`;
  if (spec.backend === 'webgpu') {
    if (counts === null) throw new Error('This worker has no WebGPU to count.');
    return `${head}\n${await gpuCountsPerStep(counts, spec)}`;
  }
  const parts = [head];
  if (spec.profile !== false) {
    const result = await profileGptNano({
      text: bundledNames,
      warmupSteps: spec.warmupSteps,
      timedSteps: spec.timedSteps,
      profiledSteps: spec.profiledSteps,
      overheadCalls: 20000,
    });
    parts.push(formatBackendProfile(result));
  }
  if (spec.backend === 'wasm') {
    // The kernel module fetched as Vite bundled it (selectBackend installed it); shared memory
    // when tfjs runs threaded. The matmul comparison is of tfjs-wasm's own kernels.
    await installWasmKernels(loadBundledKernels);
    const { batch, context, embed } = GPT_NANO;
    parts.push(
      `threads: ${getThreadsCount()}`,
      formatLayerNormRows(await compareLayerNorm([batch, context, embed], 50)),
    );
    removeWasmKernels();
    parts.push(formatMatMulRows(compareMatMuls(20)));
  }
  return parts.join('\n\n');
}
