import type { BackendName, RunConfig } from '../../src/shared/config';
import type { PresetName } from '../../src/shared/presets';

/**
 * The gpt suite's wire types (issue 18): a preset's training throughput on one forced backend,
 * and what a snapshot of a preset's whole state costs. Rows are snake_case for results.json.
 */

/** A case that would not fit the backend's memory or the time budget is skipped, with why. */
export type GptRowStatus = 'ok' | 'skipped' | 'unavailable' | 'error';

/** Throughput of one preset, at its own batch and context, on byte-level prose. */
export interface GptTrainingCase {
  readonly suite: 'gpt-training';
  readonly preset: PresetName;
  readonly backend: BackendName;
  readonly warmupSteps: number;
  /** Timed steps stop at maxSteps, or once the case has run budgetMs and minSteps are done. */
  readonly minSteps: number;
  readonly maxSteps: number;
  /** The whole case (warm-up and timed steps); a case estimated to need more is skipped. */
  readonly budgetMs: number;
  /** The pace a smaller preset trained at on this backend (runner-side), or null. */
  readonly rate: StepRate | null;
  /** WASM and WebGPU: tfjs's own kernels (the op layer's composites), as before issue 19. */
  readonly tfjsKernels?: boolean;
  /** cpu: 1 retires the CPU pool before the steps (one thread); else the pool as started. */
  readonly cpuThreads?: number;
}

export interface StepRate {
  /** step_work per millisecond of a median (or, had none been timed, the newest) step. */
  readonly workPerMs: number;
  /** Where it was measured, for a skipped row's reason. */
  readonly from: string;
}

export interface GptTrainingRow {
  readonly kind: 'training';
  readonly preset: PresetName;
  readonly backend: BackendName;
  readonly status: GptRowStatus;
  readonly reason: string | null;
  readonly config: RunConfig | null;
  readonly adapter: string | null;
  /** WASM and WebGPU: whose kernels ran, the trainer's (issue 19) or tfjs's alone. */
  readonly kernels: 'trainer' | 'tfjs' | null;
  /** cpu only (null elsewhere): the threads its products ran on, read after the steps. */
  readonly threads: number | null;
  readonly params: number | null;
  /** Weights and AdamW's two slots, float32. */
  readonly state_bytes: number | null;
  /** memory-estimate.ts's need for one step, which the trainer checks against the backend. */
  readonly step_memory_bytes: number | null;
  readonly tokens_per_step: number | null;
  /** A step's floating-point operations, estimated (gpt-training.ts): what rates compare. */
  readonly step_work: number | null;
  readonly warmup_steps: number;
  readonly warmup_ms: number | null;
  /** The first warm-up step alone: tfjs's kernel and shader compilation shows here. */
  readonly first_step_ms: number | null;
  /** The newest step, warm-up or timed: a skipped row's measured pace. */
  readonly last_step_ms: number | null;
  readonly steps: number;
  readonly step_ms_median: number | null;
  readonly step_ms_min: number | null;
  readonly step_ms_max: number | null;
  readonly tokens_per_s: number | null;
  /** WebGPU only (null elsewhere): compute dispatches and queue submits per timed step. */
  readonly dispatches_per_step: number | null;
  readonly submits_per_step: number | null;
  /** Losses (nats per token) of the first warm-up step and the last step. */
  readonly first_loss: number | null;
  readonly last_loss: number | null;
  readonly nonfinite_losses: number;
}

/** A preset's snapshot through the app's Snapshotter and store, then resumed and exported. */
export interface GptSnapshotCase {
  readonly suite: 'gpt-snapshot';
  readonly preset: PresetName;
  readonly backend: BackendName;
}

/** Milliseconds unless named; one measurement each (a gpt-mini step is tens of seconds here). */
export interface GptSnapshotRow {
  readonly kind: 'snapshot';
  readonly preset: PresetName;
  readonly backend: BackendName;
  readonly status: GptRowStatus;
  readonly reason: string | null;
  readonly params: number | null;
  readonly state_bytes: number | null;
  readonly tensors: number | null;
  readonly step_ms: number | null;
  /** Snapshotter.first(): the run, its text and the snapshot after step 1, as a new run. */
  readonly create_run_ms: number | null;
  /** A manual snapshot after step 2 on the paused session: persistMs of its committed event. */
  readonly persist_ms: number | null;
  readonly persist_mb_per_s: number | null;
  /** Store opened, text re-hashed, snapshot read and verified, session rebuilt (resumeMs). */
  readonly resume_load_ms: number | null;
  /** The same and the first resumed step. */
  readonly resume_ms: number | null;
  readonly export_ms: number | null;
  readonly export_bytes: number | null;
}
