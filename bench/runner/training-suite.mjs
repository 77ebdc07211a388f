// Node side of the training suite: which cases to run and how to show their rows. The browser
// side, which measures, is bench/suites/training.ts.
import { ROUNDS, trainingCases } from './training-cases.mjs';
import { withRatios } from './training-ratios.mjs';
import { trainingReport } from './training-report.mjs';
import { fixed } from './table.mjs';
import { emptyTrainingRow } from './training-row.mjs';

function describe(config) {
  if (config === null) return '-';
  const { embed, width, layers, context } = config;
  return `e${embed} w${width} l${layers} c${context}`;
}

function lossAtStep(r) {
  return r.last_loss === null ? '-' : `${fixed(3)(r.last_loss)}@${r.warmup_steps + r.steps}`;
}

export const trainingSuite = {
  name: 'training',

  finish: withRatios,

  /** Every (model, size, backend), then gpt-nano: training-cases.mjs. */
  cases: trainingCases,

  /** gpt-nano's tokens/s beside the targets: training-report.mjs. */
  report: trainingReport,

  /** A row for a case whose page or worker failed before the worker could answer. */
  failedRow: emptyTrainingRow,

  label(spec) {
    const round = ROUNDS > 1 ? ` (round ${spec.round + 1} of ${ROUNDS})` : '';
    const threads = spec.threads === undefined ? '' : ` (${spec.threads} thread)`;
    const kernels = spec.tfjsKernels ? ' on tfjs kernels' : '';
    return `${spec.config.model} ${spec.size} on ${spec.backend}${threads}${kernels}${round}`;
  },

  columns: [
    { title: 'model', value: (r) => r.model },
    { title: 'size', value: (r) => r.size },
    { title: 'shape', value: (r) => describe(r.config) },
    { title: 'backend', value: (r) => r.backend },
    { title: 'ran on', value: (r) => r.chosen ?? '-' },
    { title: 'threads', value: (r) => r.threads ?? '-', right: true },
    { title: 'kernels', value: (r) => r.kernels ?? '-' },
    { title: 'params', value: (r) => r.params ?? '-', right: true },
    {
      title: 'state KiB',
      value: (r) => fixed(0)(r.state_bytes && r.state_bytes / 1024),
      right: true,
    },
    { title: 'warmup ms', value: (r) => fixed(0)(r.warmup_ms), right: true },
    { title: 'steps', value: (r) => r.steps, right: true },
    { title: 'median ms', value: (r) => fixed(1)(r.step_ms_median), right: true },
    { title: 'steps/s', value: (r) => fixed(2)(r.steps_per_s), right: true },
    {
      title: 'rounds',
      value: (r) => (r.rounds_steps_per_s ?? []).map((v) => fixed(1)(v)).join(' '),
    },
    { title: 'tokens/s', value: (r) => fixed(0)(r.tokens_per_s), right: true },
    { title: 'max ms', value: (r) => fixed(1)(r.step_ms_max), right: true },
    // Backends agree at equal steps (seeded data order), so the step goes with the loss.
    { title: 'loss@step', value: lossAtStep, right: true },
    {
      title: 'ratio',
      value: (r) =>
        r.auto_over_best !== undefined
          ? `auto/${r.best_backend} ${fixed(2)(r.auto_over_best)}`
          : r.over_tfjs_kernels !== undefined
            ? `×${fixed(2)(r.over_tfjs_kernels)} tfjs kernels`
            : r.wasm_over_cpu !== undefined
              ? `wasm/cpu ${fixed(2)(r.wasm_over_cpu)}`
              : '',
    },
    { title: 'status', value: (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`) },
  ],
};
