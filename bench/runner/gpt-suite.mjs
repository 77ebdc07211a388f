// The gpt suite (issue 18): tokens/s of each gpt preset on each backend, at the preset's own
// batch and context, on byte-level prose (the World English Bible fixture); and what a
// snapshot of a preset's whole state (weights and AdamW's slots) costs in IndexedDB. The
// browser side is bench/suites/gpt-training.ts and gpt-snapshot.ts.
//
//   BENCH_GPT_PRESETS=gpt-nano,gpt-micro   presets to time (default all three; quick: gpt-nano)
//   BENCH_GPT_BACKENDS=wasm,cpu            backends (default webgpu, webgl, wasm, cpu)
//   BENCH_GPT_BUDGET_S=60                  every case's budget in seconds (default per preset)
//   BENCH_GPT_SNAPSHOTS=gpt-mini           presets whose snapshot is measured (default gpt-nano
//                                          and gpt-mini; quick: gpt-nano; `none`: none)
//   BENCH_GPT_SNAPSHOT_BACKEND=wasm        the backend the snapshot cases train on (default wasm,
//                                          the trainer's own choice on this machine)
//   BENCH_GPT_CPU_THREADS=1,2,1,2          cpu cases, one per entry, in this order: 1 retires the
//                                          CPU pool before the steps (one thread), 2 keeps
//                                          it (default: one case, the pool as the backend starts it)
//   BENCH_BASELINE=1                       beside each WASM and WebGPU training case, the same on
//                                          tfjs's own kernels (before issue 19), case after case:
//                                          a paired before/after under the same load
import process from 'node:process';
import { runInFreshPage } from './browser-case.mjs';
import { serveStatic } from './static-server.mjs';

const PRESETS = ['gpt-nano', 'gpt-micro', 'gpt-mini'];

/**
 * Issue 19's WebGPU target: a third of the dispatches a gpt-nano step made on tfjs's own WebGPU
 * kernels, as this suite counted them (SwiftShader, commit 5b0da1c; 84 submits a step then).
 */
const WEBGPU_NANO_DISPATCHES_BEFORE = 1250;
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

const list = (name) => process.env[name]?.split(',').map((s) => s.trim());
const onlyPresets = list('BENCH_GPT_PRESETS');
const onlyBackends = list('BENCH_GPT_BACKENDS');
const budgetS = Number(process.env['BENCH_GPT_BUDGET_S'] ?? 0) || null;
const snapshotPresets = list('BENCH_GPT_SNAPSHOTS');
const cpuThreads = list('BENCH_GPT_CPU_THREADS')?.map(Number);
const SNAPSHOT_BACKEND = process.env['BENCH_GPT_SNAPSHOT_BACKEND'] ?? 'wasm';

/**
 * Per preset: warm-up and timed steps, and the whole case's budget. gpt-mini's step is tens of
 * seconds on this 2-core machine, so it gets a few steps; a case estimated (or, from its second
 * step on, measured) to need more than its budget is skipped with the reason.
 */
const TIMING = {
  'gpt-nano': { warmupSteps: 2, minSteps: 3, maxSteps: 10, budgetMs: 100_000 },
  'gpt-micro': { warmupSteps: 1, minSteps: 2, maxSteps: 5, budgetMs: 120_000 },
  'gpt-mini': { warmupSteps: 1, minSteps: 2, maxSteps: 3, budgetMs: 300_000 },
};
const QUICK = { warmupSteps: 2, minSteps: 3, maxSteps: 5, budgetMs: 30_000 };

/** Each backend's newest pace: a row's step_work per ms of its median step, or else its newest. */
const rates = new Map();

function recordRate(row) {
  const ms = row.step_ms_median ?? row.last_step_ms;
  if (row.kind !== 'training' || row.step_work === null || ms === null || ms === undefined) return;
  const how = row.step_ms_median === null ? 'newest step' : 'median step';
  rates.set(row.backend, { workPerMs: row.step_work / ms, from: `${row.preset}'s ${how}` });
}

let server = null;
async function pageUrl(dist) {
  server ??= serveStatic(dist);
  return `${(await server).url}/bench/index.html`;
}

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const mb = (bytes) => fixed(1)(bytes && bytes / 1e6);
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

export const gptSuite = {
  name: 'gpt',
  /** IndexedDB on disk, as a user's: the snapshot cases write and read it. */
  persistentProfile: true,
  caseTimeoutMs: (quick) => (quick ? 180_000 : 600_000),

  cases(quick) {
    const presets = PRESETS.filter((p) =>
      onlyPresets === undefined ? !quick || p === 'gpt-nano' : onlyPresets.includes(p),
    );
    const backends = BACKENDS.filter((b) => onlyBackends === undefined || onlyBackends.includes(b));
    // Smaller presets first: each one's rate on a backend estimates the next one's step there.
    const baseline = process.env['BENCH_BASELINE'] === '1';
    const training = presets.flatMap((preset) =>
      backends.flatMap((backend) => {
        const timing = quick ? QUICK : TIMING[preset];
        const budgetMs = budgetS === null ? timing.budgetMs : budgetS * 1000;
        const spec = { suite: 'gpt-training', preset, backend, ...timing, budgetMs, rate: null };
        const paired = baseline && (backend === 'wasm' || backend === 'webgpu');
        if (backend === 'cpu' && cpuThreads !== undefined) {
          return cpuThreads.map((threads) => ({ ...spec, cpuThreads: threads }));
        }
        return paired ? [{ ...spec, tfjsKernels: true }, spec] : [spec];
      }),
    );
    const snapshotted = (snapshotPresets ?? (quick ? ['gpt-nano'] : ['gpt-nano', 'gpt-mini']))
      .filter((p) => p !== 'none')
      .map((preset) => ({ suite: 'gpt-snapshot', preset, backend: SNAPSHOT_BACKEND }));
    return [...training, ...snapshotted];
  },

  async runCase(opener, dist, spec, timeoutMs) {
    // A baseline case is not paced by, nor paces, the trainer's own kernels.
    const paced =
      spec.suite === 'gpt-training' && spec.tfjsKernels !== true
        ? { ...spec, rate: rates.get(spec.backend) ?? null }
        : spec;
    const result = await runInFreshPage(opener, await pageUrl(dist), paced, timeoutMs);
    if (result.row !== undefined && spec.tfjsKernels !== true) recordRate(result.row);
    return result;
  },

  /** gpt-nano's GPU work on WebGPU beside issue 19's target. */
  report(rows) {
    const nano = rows.filter(
      (r) => r.kind === 'training' && r.preset === 'gpt-nano' && r.backend === 'webgpu',
    );
    const counted = nano.filter((r) => r.dispatches_per_step !== null);
    if (counted.length === 0) return '';
    const target = Math.floor(WEBGPU_NANO_DISPATCHES_BEFORE / 3);
    return counted
      .map((r) => {
        const met = r.dispatches_per_step <= target ? 'met' : 'not met';
        const whose = r.kernels === 'tfjs' ? "tfjs's kernels alone" : "the trainer's kernels";
        return (
          `gpt-nano on WebGPU (${r.adapter ?? 'unknown adapter'}), ${whose}: ` +
          `${r.dispatches_per_step} dispatches and ${r.submits_per_step} queue submits a step, ` +
          `median ${fixed(0)(r.step_ms_median)} ms (before the trainer's WGSL kernels: ` +
          `${WEBGPU_NANO_DISPATCHES_BEFORE} dispatches); target ≤ ${target}: ${met}`
        );
      })
      .join('\n');
  },

  async close() {
    if (server !== null) await (await server).close();
    server = null;
  },

  failedRow(spec, reason) {
    const kind = spec.suite === 'gpt-training' ? 'training' : 'snapshot';
    return { kind, preset: spec.preset, backend: spec.backend, status: 'error', reason };
  },

  label: (spec) =>
    `${spec.suite === 'gpt-training' ? 'training' : 'snapshot'} ${spec.preset} on ${spec.backend}` +
    (spec.tfjsKernels === true ? " (tfjs's kernels)" : '') +
    (spec.cpuThreads === undefined ? '' : ` (${spec.cpuThreads === 1 ? 'one thread' : 'pool'})`),

  tables: [
    {
      title: 'gpt: training on byte-level prose (each preset at its own batch and context)',
      rows: (rows) => rows.filter((r) => r.kind === 'training'),
      columns: [
        { title: 'preset', value: (r) => r.preset },
        { title: 'backend', value: (r) => r.backend },
        { title: 'threads', value: (r) => r.threads ?? '-', right: true },
        { title: 'kernels', value: (r) => r.kernels ?? '-' },
        { title: 'params', value: (r) => r.params ?? '-', right: true },
        { title: 'tokens/step', value: (r) => r.tokens_per_step ?? '-', right: true },
        { title: 'first ms', value: (r) => fixed(0)(r.first_step_ms), right: true },
        { title: 'last ms', value: (r) => fixed(0)(r.last_step_ms), right: true },
        { title: 'steps', value: (r) => r.steps ?? 0, right: true },
        { title: 'median ms', value: (r) => fixed(0)(r.step_ms_median), right: true },
        { title: 'min ms', value: (r) => fixed(0)(r.step_ms_min), right: true },
        { title: 'max ms', value: (r) => fixed(0)(r.step_ms_max), right: true },
        { title: 'tokens/s', value: (r) => fixed(0)(r.tokens_per_s), right: true },
        { title: 'dispatches/step', value: (r) => fixed(0)(r.dispatches_per_step), right: true },
        { title: 'submits/step', value: (r) => fixed(1)(r.submits_per_step), right: true },
        { title: 'first loss', value: (r) => fixed(3)(r.first_loss), right: true },
        { title: 'last loss', value: (r) => fixed(3)(r.last_loss), right: true },
        { title: 'status', value: status },
      ],
    },
    {
      title: `gpt: a snapshot of the whole state (weights + AdamW slots), IndexedDB on disk`,
      rows: (rows) => rows.filter((r) => r.kind === 'snapshot'),
      columns: [
        { title: 'preset', value: (r) => r.preset },
        { title: 'backend', value: (r) => r.backend },
        { title: 'params', value: (r) => r.params ?? '-', right: true },
        { title: 'state MB', value: (r) => mb(r.state_bytes), right: true },
        { title: 'step ms', value: (r) => fixed(0)(r.step_ms), right: true },
        { title: 'new run ms', value: (r) => fixed(0)(r.create_run_ms), right: true },
        { title: 'persist ms', value: (r) => fixed(0)(r.persist_ms), right: true },
        { title: 'MB/s', value: (r) => fixed(1)(r.persist_mb_per_s), right: true },
        { title: 'resume load ms', value: (r) => fixed(0)(r.resume_load_ms), right: true },
        { title: '+ step ms', value: (r) => fixed(0)(r.resume_ms), right: true },
        { title: 'export ms', value: (r) => fixed(0)(r.export_ms), right: true },
        { title: 'file MB', value: (r) => mb(r.export_bytes), right: true },
        { title: 'status', value: status },
      ],
    },
  ],
};
