import type { BackendName, ModelKind, RunConfig } from '../src/shared/config';

/**
 * The bench page's wire protocol: one spec in, one result row out, tagged by suite. A new suite
 * adds its spec to BenchSpec, its row to BenchRow, and a case to the worker's switch.
 */

/** Measure training throughput of one model config on one forced backend. */
export interface TrainingCase {
  readonly suite: 'training';
  readonly size: string;
  readonly backend: BackendName;
  /** Laid over DEFAULT_CONFIG and validated in the worker; `model` is required. */
  readonly config: Partial<RunConfig> & { readonly model: ModelKind };
  readonly warmupSteps: number;
  /** Timed steps stop at maxSteps, or once budgetMs has passed and minSteps are done. */
  readonly minSteps: number;
  readonly maxSteps: number;
  readonly budgetMs: number;
}

export type RowStatus = 'ok' | 'unavailable' | 'error';

/** snake_case: rows go to bench/results.json unchanged. Numbers not measured are null. */
export interface TrainingRow {
  readonly model: ModelKind;
  readonly size: string;
  readonly backend: BackendName;
  readonly status: RowStatus;
  /** Why the backend is unavailable or the case failed; null when status is ok. */
  readonly reason: string | null;
  readonly config: RunConfig | null;
  /** The WebGPU adapter or the WebGL renderer (SwiftShader without a GPU); null on the CPU. */
  readonly adapter: string | null;
  readonly state_bytes: number | null;
  readonly params: number | null;
  readonly tokens_per_step: number | null;
  readonly warmup_steps: number;
  /** Wall time of the warm-up steps together: shader compilation shows here. */
  readonly warmup_ms: number | null;
  readonly steps: number;
  readonly step_ms_median: number | null;
  /** The spread of the timed steps: a max far above the median means warm-up was too short. */
  readonly step_ms_min: number | null;
  readonly step_ms_max: number | null;
  readonly steps_per_s: number | null;
  readonly tokens_per_s: number | null;
  /** Losses of the first and the last step. Data order is seeded, so backends agree at equal steps. */
  readonly first_loss: number | null;
  readonly last_loss: number | null;
  /** Steps (warm-up included) whose loss was NaN or infinite. */
  readonly nonfinite_losses: number;
}

export type BenchSpec = TrainingCase;
export type BenchRow = TrainingRow;

export interface BenchApi {
  run(spec: BenchSpec): Promise<BenchRow>;
}
