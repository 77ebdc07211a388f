import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import { trainingMemory } from '../../src/shared/memory-estimate';
import { parameterCount, stateBytes } from '../../src/shared/model-spec';
import {
  TrainingSession,
  checkBatchFits,
  checkFitsBackend,
  countGpuWork,
  productThreads,
  removeWasmKernels,
  removeWebGpuKernels,
  selectBackend,
  type GpuCounts,
} from '../../workers/bench-surface';
import type { GptTrainingCase, GptTrainingRow } from './gpt-api';
import { benchProse } from './gpt-text';
import { median, messageOf, progress, round } from './stats';
import { cpuThreads, deviceName } from './training';

/** A preset as the page's `?preset=` makes it: its own batch, context and settings. */
export function presetRunConfig(preset: string): RunConfig {
  return validateConfig({ ...presetConfig(preset), steps: 0 });
}

/** A preset's config, the bench text tokenized for it (checked to fill a batch), its vocabulary. */
export async function presetWithText(preset: string) {
  const config = presetRunConfig(preset);
  const dataset = await benchProse(config);
  checkBatchFits(config, dataset);
  return { config, dataset, vocab: dataset.data.tokenizer.vocabSize };
}

function emptyRow(spec: GptTrainingCase): GptTrainingRow {
  return {
    kind: 'training',
    preset: spec.preset,
    backend: spec.backend,
    status: 'error',
    reason: null,
    config: null,
    adapter: null,
    kernels: null,
    threads: null,
    params: null,
    state_bytes: null,
    step_memory_bytes: null,
    tokens_per_step: null,
    step_work: null,
    warmup_steps: spec.warmupSteps,
    warmup_ms: null,
    first_step_ms: null,
    last_step_ms: null,
    steps: 0,
    step_ms_median: null,
    step_ms_min: null,
    step_ms_max: null,
    tokens_per_s: null,
    dispatches_per_step: null,
    submits_per_step: null,
    first_loss: null,
    last_loss: null,
    nonfinite_losses: 0,
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A step's floating-point operations, forward and backward: 6 per parameter per token, and
 * attention's scores and mix, 12 x context x d_model per token per layer. Rates in these units
 * carry from one preset to a larger one on the same backend (roughly: larger matmuls run faster).
 */
export function stepWork(config: RunConfig, params: number): number {
  const perToken = 6 * params + 12 * config.layers * config.context * config.embed;
  return config.batch * config.context * perToken;
}

/**
 * One preset on one forced backend, in a fresh worker. Skipped (not failed) when the trainer's
 * memory check refuses it on this backend, when the pace of a smaller preset here says the case
 * would overrun its budget, or when its steps, measured, say so.
 */
export async function runGptTrainingCase(spec: GptTrainingCase): Promise<GptTrainingRow> {
  let row = emptyRow(spec);
  try {
    const { config, dataset, vocab } = await presetWithText(spec.preset);
    const params = parameterCount(config, vocab);
    const work = stepWork(config, params);
    row = {
      ...row,
      config,
      params,
      step_work: work,
      state_bytes: stateBytes(config, vocab),
      step_memory_bytes: trainingMemory(config, vocab).totalBytes,
      tokens_per_step: config.batch * config.context,
    };
    // Wrapped before the backend makes its device, so every dispatch of that device counts.
    const gpu = spec.backend === 'webgpu' ? countGpuWork() : null;
    try {
      await selectBackend(spec.backend);
    } catch (err) {
      return { ...row, status: 'unavailable', reason: messageOf(err) };
    }
    const ownKernels = spec.backend === 'wasm' || spec.backend === 'webgpu';
    row = {
      ...row,
      adapter: await deviceName(spec.backend),
      kernels: ownKernels ? (spec.tfjsKernels === true ? 'tfjs' : 'trainer') : null,
    };
    // The baseline: the op layer's composites on tfjs's own kernels, as before issue 19.
    if (spec.tfjsKernels === true && spec.backend === 'wasm') removeWasmKernels();
    if (spec.tfjsKernels === true && spec.backend === 'webgpu') removeWebGpuKernels();
    // One thread on the same build as the pool's cases (BENCH_GPT_CPU_THREADS=1).
    if (spec.backend === 'cpu' && spec.cpuThreads === 1) {
      productThreads()?.retire('one thread, forced by BENCH_GPT_CPU_THREADS=1');
    }
    try {
      checkFitsBackend(config, vocab, spec.backend);
    } catch (err) {
      return { ...row, status: 'skipped', reason: messageOf(err) };
    }
    const stepsNeeded = spec.warmupSteps + spec.minSteps;
    const estimateMs = spec.rate === null ? null : work / spec.rate.workPerMs;
    if (spec.rate !== null && estimateMs !== null && estimateMs * stepsNeeded > spec.budgetMs) {
      const stepMs = estimateMs;
      const why =
        `estimated ${seconds(stepMs)} a step at the pace of ${spec.rate.from} (step_work/ms): ` +
        `${stepsNeeded} steps need ~${seconds(stepMs * stepsNeeded)}, over the case's ` +
        seconds(spec.budgetMs);
      return { ...row, status: 'skipped', reason: why };
    }
    const session = TrainingSession.create(config, dataset.data);
    const measured = await measure(spec, session, gpu);
    // Read after the steps: a pool helper that failed meanwhile left the pool on one thread.
    if (spec.backend !== 'cpu') return { ...row, ...measured };
    const threads = productThreads()?.threads ?? 1;
    return { ...row, ...measured, adapter: cpuThreads(), threads };
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  }
}

/**
 * The case would overrun its budget at the pace of its newest step. The first step compiles
 * tfjs's kernels and shaders, so only a later step's time decides.
 */
function overrun(spec: GptTrainingCase, elapsedMs: number, stepMs: readonly number[]) {
  const done = stepMs.length;
  const needed = spec.warmupSteps + spec.minSteps - done;
  const last = stepMs.at(-1)!;
  if (done < 2 || needed <= 0 || elapsedMs + last * needed <= spec.budgetMs) return null;
  return (
    `measured: step ${done} took ${seconds(last)}, so ${needed} more steps would end past ` +
    `the case's ${seconds(spec.budgetMs)}`
  );
}

async function measure(
  spec: GptTrainingCase,
  session: TrainingSession,
  gpu: GpuCounts | null,
): Promise<Partial<GptTrainingRow>> {
  const losses: number[] = [];
  // The counts when the first timed step starts: the warm-up's (shader compilation, first
  // uploads) stay out of the per-step figures.
  let atTimed: GpuCounts | null = null;
  // Every step, warm-up ones first; trainStep awaits the loss readback, so a step's GPU work is
  // inside its timing.
  const stepMs: number[] = [];
  const caseStart = performance.now();
  try {
    while (stepMs.length < spec.warmupSteps + spec.maxSteps) {
      const elapsed = performance.now() - caseStart;
      const timed = stepMs.length - spec.warmupSteps;
      if (timed >= spec.minSteps && elapsed >= spec.budgetMs) break;
      const why = overrun(spec, elapsed, stepMs);
      if (why !== null) return { ...partial(spec, stepMs, losses), status: 'skipped', reason: why };
      if (stepMs.length === spec.warmupSteps && gpu !== null) atTimed = { ...gpu };
      const started = performance.now();
      losses.push(await session.trainStep());
      stepMs.push(performance.now() - started);
      if (stepMs.length === 1)
        progress(`${spec.preset} on ${spec.backend}: first step ${seconds(stepMs[0]!)}`);
    }
    const timed = stepMs.slice(spec.warmupSteps);
    const stepMsMedian = median(timed);
    return {
      ...partial(spec, stepMs, losses),
      status: 'ok',
      steps: timed.length,
      step_ms_median: round(stepMsMedian),
      step_ms_min: round(Math.min(...timed)),
      step_ms_max: round(Math.max(...timed)),
      tokens_per_s: round((1000 / stepMsMedian) * session.tokensPerStep),
      ...perStep(gpu, atTimed, timed.length),
    };
  } finally {
    session.dispose();
  }
}

/** The GPU work of the timed steps, per step (steps run alone: nothing else uses the device). */
function perStep(gpu: GpuCounts | null, atTimed: GpuCounts | null, steps: number) {
  if (gpu === null || atTimed === null || steps === 0) return {};
  return {
    dispatches_per_step: round((gpu.dispatches - atTimed.dispatches) / steps),
    submits_per_step: round((gpu.submits - atTimed.submits) / steps),
  };
}

/** What the steps so far show, whether or not the case goes on to time any. */
function partial(spec: GptTrainingCase, stepMs: readonly number[], losses: readonly number[]) {
  const warmup = stepMs.slice(0, spec.warmupSteps);
  return {
    first_step_ms: stepMs.length > 0 ? round(stepMs[0]!) : null,
    last_step_ms: stepMs.length > 0 ? round(stepMs.at(-1)!) : null,
    warmup_ms: warmup.length > 0 ? round(warmup.reduce((a, b) => a + b, 0)) : null,
    first_loss: losses[0] ?? null,
    last_loss: losses.at(-1) ?? null,
    nonfinite_losses: losses.filter((l) => !Number.isFinite(l)).length,
  };
}
