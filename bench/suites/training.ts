import { DEFAULT_CONFIG, validateConfig, type BackendName } from '../../src/shared/config';
import { elementCount, modelSpec, stateBytes } from '../../src/shared/model-spec';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  TrainingSession,
  bundledDataset,
  describeProductWork,
  bundledNames,
  checkBatchFits,
  formatProfile,
  GPT_NANO,
  gptNanoDataset,
  productThreads,
  profileTrainingSteps,
  removeCpuKernels,
  removeWasmKernels,
  selectBackend,
} from '../../workers/bench-surface';
import type { TrainingCase, TrainingRow } from '../bench-api';
import { emptyTrainingRow } from '../runner/training-row.mjs';
import { median, messageOf, round } from './stats';

interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly description?: string;
}
type GpuLike = { requestAdapter(): Promise<{ info?: AdapterInfoLike } | null> };

async function webgpuAdapter(): Promise<string | null> {
  const gpu = (self.navigator as Navigator & { gpu?: GpuLike }).gpu;
  const info = (await gpu?.requestAdapter())?.info;
  if (info === undefined) return null;
  const parts = [info.vendor, info.architecture, info.description].filter((p) => !!p);
  return parts.length > 0 ? parts.join(' ') : null;
}

function webglRenderer(): string | null {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  if (gl === null || gl === undefined || ext === null || ext === undefined) return null;
  return String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL));
}

/** What the backend runs on: SwiftShader (the CPU) on a machine without a GPU; WASM's and CPU's threads. */
export async function deviceName(backend: BackendName): Promise<string | null> {
  if (backend === 'webgpu') return webgpuAdapter();
  if (backend === 'webgl') return webglRenderer();
  if (backend === 'wasm') return `${getThreadsCount()} thread(s)`;
  if (backend === 'cpu') return cpuThreads();
  return null;
}

/** The CPU backend's product threads, and how many chunks the helpers have computed so far. */
export function cpuThreads(): string {
  return describeProductWork();
}

/** Threads a step's products run on: XNNPACK's on WASM, the CPU pool's on the CPU backend. */
function threadsOf(backend: BackendName): number | null {
  if (backend === 'wasm') return getThreadsCount();
  if (backend === 'cpu') return productThreads()?.threads ?? 1;
  return null;
}

/**
 * One case, in a worker whose tfjs has not chosen a backend yet: the backend is forced, so a
 * backend that cannot start is reported as unavailable rather than silently replaced.
 */
export async function runTrainingCase(spec: TrainingCase): Promise<TrainingRow> {
  let row: TrainingRow = emptyTrainingRow(spec, null);
  try {
    const config =
      spec.gptNano === true
        ? GPT_NANO
        : validateConfig({ ...DEFAULT_CONFIG, ...spec.config, steps: 0 });
    const dataset = await bundledDataset();
    if (spec.gptNano !== true) checkBatchFits(config, dataset);
    const data = spec.gptNano === true ? gptNanoDataset(bundledNames) : dataset.data;
    const vocab = data.tokenizer.vocabSize;
    const params = modelSpec(config, vocab).reduce((n, v) => n + elementCount(v.shape), 0);
    row = { ...row, config, state_bytes: stateBytes(config, vocab), params };
    let report;
    try {
      const options = spec.threads === undefined ? {} : { wasmThreads: spec.threads };
      report = await selectBackend(spec.backend === 'auto' ? null : spec.backend, null, options);
    } catch (err) {
      return { ...row, status: 'unavailable', reason: messageOf(err) };
    }
    row = {
      ...row,
      chosen: report.backend,
      choice: report.fallbackReason,
      adapter: await deviceName(report.backend),
      threads: threadsOf(report.backend),
      kernels: OWN_KERNELS.includes(report.backend)
        ? spec.tfjsKernels
          ? 'tfjs'
          : 'trainer'
        : null,
    };
    // The trainer before issue 19: the op layer's composites on tfjs's own kernels.
    if (report.backend === 'wasm' && spec.tfjsKernels === true) removeWasmKernels();
    if (report.backend === 'cpu' && spec.tfjsKernels === true) removeCpuKernels();
    return { ...row, ...(await measure(spec, TrainingSession.create(config, data))) };
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  }
}

/** The backends the trainer has kernels of its own for. */
const OWN_KERNELS: readonly string[] = ['wasm', 'cpu'];

async function measure(
  spec: TrainingCase,
  session: TrainingSession,
): Promise<Partial<TrainingRow>> {
  const losses: number[] = [];
  const stepMs: number[] = [];
  try {
    const warmupStart = performance.now();
    for (let i = 0; i < spec.warmupSteps; i++) losses.push(await session.trainStep());
    const warmupMs = performance.now() - warmupStart;
    const timedStart = performance.now();
    while (stepMs.length < spec.maxSteps) {
      const enough = stepMs.length >= spec.minSteps;
      if (enough && performance.now() - timedStart >= spec.budgetMs) break;
      const started = performance.now();
      // trainStep awaits the loss readback, so the step's GPU work is inside the timing.
      losses.push(await session.trainStep());
      stepMs.push(performance.now() - started);
    }
    const profile =
      spec.profile === true ? formatProfile(await profileTrainingSteps(session, 1), 25) : null;
    const stepMsMedian = median(stepMs);
    const stepsPerS = 1000 / stepMsMedian;
    return {
      status: 'ok',
      tokens_per_step: session.tokensPerStep,
      warmup_ms: round(warmupMs),
      steps: stepMs.length,
      step_ms_median: round(stepMsMedian),
      step_ms_min: round(Math.min(...stepMs)),
      step_ms_max: round(Math.max(...stepMs)),
      steps_per_s: round(stepsPerS),
      tokens_per_s: round(stepsPerS * session.tokensPerStep),
      first_loss: losses[0] ?? null,
      last_loss: losses.at(-1) ?? null,
      nonfinite_losses: losses.filter((l) => !Number.isFinite(l)).length,
      profile,
    };
  } finally {
    session.dispose();
  }
}
