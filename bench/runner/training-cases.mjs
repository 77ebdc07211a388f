// The training suite's cases: which models, sizes, backends, thread counts and rounds a run
// measures (BENCH_* settings below), and issue 19's gpt-nano cases beside them.
import process from 'node:process';

// `auto` is the trainer's own choice (no ?backend=), measured beside the backends it chose among.
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu', 'auto'];
// BENCH_BACKENDS=wasm,cpu,auto runs only those (ratios need their peers in the same run).
const onlyBackends = process.env['BENCH_BACKENDS']?.split(',').map((b) => b.trim());
// BENCH_SIZES=small,gpt-nano runs only those sizes (small, large, gpt-nano).
const onlySizes = process.env['BENCH_SIZES']?.split(',').map((s) => s.trim());
// BENCH_TRAINING_ROUNDS=3 measures every (model, size, backend) three times, the backends of a
// size interleaved round by round, and keeps each one's median row: a ratio of two backends then
// compares medians taken side by side, not two single windows minutes apart on a noisy machine.
export const ROUNDS = Math.max(1, Number(process.env['BENCH_TRAINING_ROUNDS'] ?? 1));

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
export const GPT_NANO = { size: 'gpt-nano', config: { model: 'gpt' } };
export const GPT_NANO_TARGETS = [
  { threads: 1, tokensPerS: 3300 },
  { threads: 'all', tokensPerS: 4500 },
];

const FULL = { warmupSteps: 3, minSteps: 5, maxSteps: 200, budgetMs: 12_000 };
const QUICK = { warmupSteps: 2, minSteps: 3, maxSteps: 5, budgetMs: 1_000 };

/** The cases BENCH_BASELINE=1 pairs with the same case on tfjs's own kernels. */
export const pairedWithBaseline = (c) =>
  (c.backend === 'wasm' && c.threads === undefined) || c.backend === 'cpu';

/**
 * Every (model, size, backend), then gpt-nano on WASM at 1 thread and at every core
 * (BENCH_GPT_NANO=0 leaves it out); BENCH_QUICK keeps the small sizes and a few steps.
 */
export function trainingCases(quick) {
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
}
