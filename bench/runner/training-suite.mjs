// Node side of the training suite: which cases to run and how to show their rows. The browser
// side, which measures, is bench/suites/training.ts.
import process from 'node:process';
import { pytorchStep } from './pytorch-step.mjs';

// `auto` is the trainer's own choice (no ?backend=), measured beside the backends it chose among.
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu', 'auto'];
// BENCH_BACKENDS=wasm,cpu,auto runs only those (ratios need their peers in the same run).
const onlyBackends = process.env['BENCH_BACKENDS']?.split(',').map((b) => b.trim());
// BENCH_SIZES=small,gpt-nano runs only those sizes (small, large, gpt-nano).
const onlySizes = process.env['BENCH_SIZES']?.split(',').map((s) => s.trim());
// BENCH_TRAINING_ROUNDS=3 measures every (model, size, backend) three times, the backends of a
// size interleaved round by round, and keeps each one's median row: a ratio of two backends then
// compares medians taken side by side, not two single windows minutes apart on a noisy machine.
const ROUNDS = Math.max(1, Number(process.env['BENCH_TRAINING_ROUNDS'] ?? 1));

/** Small and larger of each kind; the larger still does a few steps on SwiftShader in ~20 s. */
const SIZES = [
  { size: 'small', config: { model: 'mlp', embed: 16, width: 128, layers: 1, context: 4 } },
  { size: 'large', config: { model: 'mlp', embed: 32, width: 512, layers: 1, context: 8 } },
  {
    size: 'small',
    config: { model: 'transformer', embed: 32, width: 64, layers: 1, heads: 2, context: 8 },
  },
  {
    size: 'large',
    config: { model: 'transformer', embed: 64, width: 256, layers: 2, heads: 2, context: 16 },
  },
];

/**
 * Issue 19's yardstick: the gpt-nano preset, TinyGPT's small model (byte vocabulary, d 96, 3
 * layers, 3 heads, MLP 384, context 64, batch 16: 1,024 tokens a step; tied head, AdamW, clip
 * 1), on the bundled names' bytes; the worker takes its config from the preset. WASM only, on
 * one thread and on every core, each with the per-kernel profile of one step; targets from the
 * issue (TinyGPT measured 3,060–3,290 and 4,370–4,455 tokens/s on this machine).
 */
const GPT_NANO = { size: 'gpt-nano', config: { model: 'gpt' } };
const GPT_NANO_TARGETS = [
  { threads: 1, tokensPerS: 3300 },
  { threads: 'all', tokensPerS: 4500 },
];

const FULL = { warmupSteps: 3, minSteps: 5, maxSteps: 200, budgetMs: 12_000 };
const QUICK = { warmupSteps: 2, minSteps: 3, maxSteps: 5, budgetMs: 1_000 };

function fixed(digits) {
  return (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
}

function describe(config) {
  if (config === null) return '-';
  const { embed, width, layers, context } = config;
  return `e${embed} w${width} l${layers} c${context}`;
}

function lossAtStep(r) {
  return r.last_loss === null ? '-' : `${fixed(3)(r.last_loss)}@${r.warmup_steps + r.steps}`;
}

/** The cases BENCH_BASELINE=1 pairs with the same case on tfjs's own kernels. */
const pairedWithBaseline = (c) =>
  (c.backend === 'wasm' && c.threads === undefined) || c.backend === 'cpu';

const sameCase = (a, b) => a.model === b.model && a.size === b.size && a.kernels !== 'tfjs';

/** One row per (model, size, backend): the round with the median steps/s, with every round's. */
function medianRounds(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.model} ${row.size} ${row.backend} ${row.threads} ${row.kernels}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0];
    const ok = group.filter((r) => r.status === 'ok' && r.steps_per_s !== null);
    if (ok.length === 0) return group[0];
    const sorted = [...ok].sort((a, b) => a.steps_per_s - b.steps_per_s);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    return { ...median, rounds_steps_per_s: group.map((r) => r.steps_per_s) };
  });
}

/**
 * Ratios within one model and size, from the same run: `auto` against the fastest forced
 * backend (target >= 0.95) and WASM against the CPU backend (target >= 3 on the large sizes).
 */
function withRatios(measured) {
  const rows = medianRounds(measured);
  return rows.map((row) => {
    const peers = rows.filter((r) => sameCase(r, row) && r.status === 'ok');
    const speed = (name) => peers.find((r) => r.backend === name)?.steps_per_s ?? null;
    if (row.backend === 'auto' && row.steps_per_s !== null) {
      const forced = peers.filter((r) => r.backend !== 'auto');
      const best = forced.reduce((a, b) => (b.steps_per_s > (a?.steps_per_s ?? 0) ? b : a), null);
      if (best === null) return row;
      return {
        ...row,
        best_backend: best.backend,
        auto_over_best: row.steps_per_s / best.steps_per_s,
      };
    }
    // The trainer's kernels against tfjs-wasm's own (BENCH_BASELINE=1), same model and size.
    const before = rows.find(
      (r) =>
        r.model === row.model &&
        r.size === row.size &&
        r.backend === row.backend &&
        r.kernels === 'tfjs' &&
        r.status === 'ok',
    );
    if (row.kernels === 'trainer' && row.steps_per_s !== null && before !== undefined) {
      return { ...row, over_tfjs_kernels: row.steps_per_s / before.steps_per_s };
    }
    if (row.backend === 'wasm' && row.steps_per_s !== null && speed('cpu') !== null) {
      return { ...row, wasm_over_cpu: row.steps_per_s / speed('cpu') };
    }
    return row;
  });
}

/**
 * The browser ÷ PyTorch: the same gpt-nano (the row's own config) trained by the
 * project's PyTorch port on one torch thread, right after the browser's cases, against the WASM
 * 1-thread row (BENCH_PYTORCH=0 leaves it out).
 */
function againstPytorch(row) {
  if (row === undefined || process.env['BENCH_PYTORCH'] === '0') return [];
  const torch = pytorchStep(row.config, { threads: 1 });
  if (torch.error !== undefined) return [`  PyTorch port, 1 thread: not measured (${torch.error})`];
  if (torch.params !== row.params) {
    return [
      `  PyTorch port: ${torch.params} parameters, not the browser's ${row.params}: no ratio`,
    ];
  }
  return [
    `  PyTorch port (python/, torch ${torch.torch}, 1 thread, same model, AdamW and clipping): ` +
      `${fixed(0)(torch.tokens_per_s)} tokens/s (${fixed(1)(torch.step_ms_median)} ms a step wall, ` +
      `${fixed(1)(torch.step_cpu_ms_median)} ms CPU)`,
    `  browser ÷ PyTorch (WASM, 1 thread): ${fixed(2)(row.tokens_per_s / torch.tokens_per_s)}`,
  ];
}

/** gpt-nano on the CPU backend against the issue's ×10, when the bench measured it there. */
function gptNanoOnCpu(rows) {
  const ok = rows.filter(
    (r) => r.size === GPT_NANO.size && r.backend === 'cpu' && r.status === 'ok',
  );
  const ours = ok.find((r) => r.kernels === 'trainer');
  if (ours === undefined) return [];
  const before = ok.find((r) => r.kernels === 'tfjs');
  const ratio =
    before === undefined
      ? 'no baseline in this run (BENCH_BASELINE=1)'
      : `${fixed(2)(ours.tokens_per_s / before.tokens_per_s)}× tfjs-cpu's kernels' ` +
        `${fixed(0)(before.tokens_per_s)} tokens/s (target ≥ 10×: ` +
        `${ours.tokens_per_s >= 10 * before.tokens_per_s ? 'met' : 'not met'})`;
  return [
    `  CPU backend, trainer kernels: ${fixed(0)(ours.tokens_per_s)} tokens/s ` +
      `(${fixed(1)(ours.step_ms_median)} ms a step); ${ratio}`,
  ];
}

export const trainingSuite = {
  name: 'training',

  finish: withRatios,

  /**
   * Every (model, size, backend), then gpt-nano on WASM at 1 thread and at every core
   * (BENCH_GPT_NANO=0 leaves it out); BENCH_QUICK keeps the small sizes and a few steps.
   */
  cases(quick) {
    const timing = quick ? QUICK : FULL;
    const sizes = (quick ? SIZES.filter((s) => s.size === 'small') : SIZES).filter(
      (s) => onlySizes === undefined || onlySizes.includes(s.size),
    );
    const backends = BACKENDS.filter((b) => onlyBackends === undefined || onlyBackends.includes(b));
    const rounds = Array.from({ length: ROUNDS }, (_, r) => r);
    // BENCH_WASM_THREADS=1,all measures each WASM case at those XNNPACK thread counts ('all':
    // the app's choice, every logical core); gpt-nano always runs at both.
    const wasmThreads = (process.env['BENCH_WASM_THREADS'] ?? 'all').split(',');
    const threadVariants = (backend) =>
      backend !== 'wasm'
        ? [{}]
        : wasmThreads.map((t) => (t.trim() === 'all' ? {} : { threads: Number(t) }));
    const sized = sizes.flatMap(({ size, config }) =>
      rounds.flatMap((round) =>
        backends.flatMap((backend) =>
          threadVariants(backend).map((threads) => ({
            suite: 'training',
            size,
            backend,
            round,
            config: { ...config, batch: 32 },
            ...threads,
            ...timing,
          })),
        ),
      ),
    );
    const nanoWanted =
      process.env['BENCH_GPT_NANO'] !== '0' &&
      (onlySizes === undefined || onlySizes.includes(GPT_NANO.size));
    const nanoCase = (round, backend, extra) => ({
      suite: 'training',
      size: GPT_NANO.size,
      backend,
      round,
      config: GPT_NANO.config,
      gptNano: true,
      ...extra,
      ...timing,
    });
    // WASM at each target's threads with its profile; the CPU backend (issue 19's ×10 there)
    // when BENCH_BACKENDS names it.
    const nano = !nanoWanted
      ? []
      : rounds.flatMap((round) => [
          ...(backends.includes('wasm')
            ? GPT_NANO_TARGETS.map(({ threads }) =>
                nanoCase(round, 'wasm', {
                  ...(threads === 'all' ? {} : { threads }),
                  profile: true,
                }),
              )
            : []),
          ...(backends.includes('cpu') ? [nanoCase(round, 'cpu', { profile: false })] : []),
        ]);
    // BENCH_BASELINE=1: beside each WASM case, the same on tfjs-wasm's own kernels and 1 thread,
    // and beside each CPU case the same on tfjs-cpu's own kernels (the trainer before issue 19),
    // interleaved round by round: a paired before/after.
    const baseline =
      process.env['BENCH_BASELINE'] === '1'
        ? [...sized, ...nano].filter(pairedWithBaseline).map((c) => ({
            ...c,
            ...(c.backend === 'wasm' ? { threads: 1 } : {}),
            tfjsKernels: true,
            profile: false,
          }))
        : [];
    const cases = [...sized, ...nano];
    return cases.flatMap((c) => [
      c,
      ...baseline.filter(
        (b) =>
          b.size === c.size &&
          b.config.model === c.config.model &&
          b.round === c.round &&
          b.backend === c.backend &&
          pairedWithBaseline(c),
      ),
    ]);
  },

  /** gpt-nano's tokens/s beside the targets, and each gpt-nano row's step profile. */
  report(rows) {
    const cpu = gptNanoOnCpu(rows);
    const nano = rows.filter(
      (r) =>
        r.size === GPT_NANO.size &&
        r.backend === 'wasm' &&
        r.status === 'ok' &&
        r.kernels === 'trainer',
    );
    if (nano.length === 0) return cpu.join('\n');
    const lines = [
      "gpt-nano on WASM (the preset: TinyGPT's small model, 366,432 parameters) against issue 19's targets:",
    ];
    for (const row of [...nano].sort((a, b) => a.threads - b.threads)) {
      const target = row.threads === 1 ? GPT_NANO_TARGETS[0] : GPT_NANO_TARGETS[1];
      const met = row.tokens_per_s >= target.tokensPerS ? 'met' : 'not met';
      lines.push(
        `  ${row.threads} thread${row.threads === 1 ? '' : 's'}: ${fixed(0)(row.tokens_per_s)} tokens/s ` +
          `(${fixed(1)(row.step_ms_median)} ms a step; target ≥ ${target.tokensPerS}: ${met})`,
      );
    }
    lines.push(...againstPytorch(nano.find((r) => r.threads === 1)));
    lines.push(...cpu);
    for (const row of nano) {
      lines.push(
        '',
        `per-kernel profile of one gpt-nano step, ${row.threads} thread(s) (wall time):`,
        row.profile ?? '-',
      );
    }
    return lines.join('\n');
  },

  /** A row for a case whose page or worker failed before the worker could answer. */
  failedRow(spec, reason) {
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
  },

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
