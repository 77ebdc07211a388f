// The training suite's row before anything was measured: the bench page starts every case from
// it (bench/suites/training.ts) and the runner reports a case whose page or worker failed with
// it (training-suite.mjs), so both sides write the same columns. Plain JavaScript, so that node
// and vite's build of the bench page both import it.

/** A row that says only which case it is, `status: 'error'` and `reason`, until measured. */
export function emptyTrainingRow(spec, reason) {
  return {
    model: spec.config.model,
    size: spec.size,
    backend: spec.backend,
    chosen: null,
    choice: null,
    status: 'error',
    reason,
    config: null,
    adapter: null,
    state_bytes: null,
    params: null,
    tokens_per_step: null,
    warmup_steps: spec.warmupSteps,
    warmup_ms: null,
    steps: 0,
    step_ms_median: null,
    step_ms_min: null,
    step_ms_max: null,
    steps_per_s: null,
    tokens_per_s: null,
    first_loss: null,
    last_loss: null,
    nonfinite_losses: 0,
    threads: null,
    kernels: null,
    profile: null,
  };
}
