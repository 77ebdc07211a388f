// The shard training suite (issue 20): gpt-nano on WASM in the bench page's worker, trained from
// a corpus's token shards in OPFS against the same byte tokens in memory (paired rounds, the
// ratio of tokens/s), and the worker's heap while it trains from the shards of generated corpora
// of several sizes. The browser side is bench/suites/shard-training.ts.
//
//   BENCH_SHARDS_ROUNDS=200    paired rounds of the ratio case
//   BENCH_SHARDS_HEAP_MB=16,256 corpus sizes of the heap cases ('' for none)
//   BENCH_SHARDS_RATIO_MB=40   the ratio case on a generated corpus of this size (several
//                              shards) instead of the bench text (5 MB, one shard)
import process from 'node:process';
import { observeHeapGrowth } from './heap-sampler.mjs';

// A gpt-nano step on WASM takes 0.5 to 2 s here, a batch read from the shards under a
// millisecond: rounds of one step an arm, alternated, so the machine's load (which drifts within
// seconds) falls on both arms alike.
const FULL = { rounds: 200, steps: 1, warmupSteps: 2, heapMB: [16, 256], heapSteps: 10 };
const QUICK = { rounds: 6, steps: 1, warmupSteps: 1, heapMB: [16], heapSteps: 4 };

const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const mb = (v) => (v === null || v === undefined ? '-' : (v / 1e6).toFixed(0));
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

export const shardTrainingSuite = {
  name: 'shards',
  /** OPFS on disk, as a user's browser reads it. */
  persistentProfile: true,
  caseTimeoutMs: (quick) => (quick ? 300_000 : 900_000),

  cases(quick) {
    const preset = quick ? QUICK : FULL;
    const rounds = Number(process.env['BENCH_SHARDS_ROUNDS'] ?? preset.rounds);
    const heapEnv = process.env['BENCH_SHARDS_HEAP_MB'];
    const heapMB = heapEnv === undefined ? preset.heapMB : list(heapEnv);
    const ratioEnv = process.env['BENCH_SHARDS_RATIO_MB'];
    const ratioMB = ratioEnv === undefined ? null : Number(ratioEnv);
    const base = { suite: 'shards', warmupSteps: preset.warmupSteps };
    return [
      { ...base, measure: 'ratio', sizeMB: ratioMB, rounds, steps: preset.steps },
      ...heapMB.map((sizeMB) => ({
        ...base,
        measure: 'heap',
        sizeMB,
        rounds: 0,
        steps: preset.heapSteps,
      })),
    ];
  },

  /** Only the heap cases are sampled: the sampler's requests would slow the timed rounds. */
  observe(page, spec) {
    if (spec.measure !== 'heap') return null;
    return observeHeapGrowth(page);
  },

  failedRow(spec, reason) {
    return {
      suite: 'shards',
      measure: spec.measure,
      size_mb: spec.sizeMB,
      status: 'error',
      reason,
    };
  },

  label: (spec) =>
    spec.measure === 'ratio'
      ? `gpt-nano on WASM, shards vs memory, ${spec.rounds} rounds of ${spec.steps} steps`
      : `gpt-nano on WASM from the shards of ${spec.sizeMB} MB, heap`,

  tables: [
    {
      title: 'shards: gpt-nano on WASM, tokens/s from OPFS shards vs the same tokens in memory',
      rows: (rows) => rows.filter((r) => r.measure === 'ratio'),
      columns: [
        { title: 'text MB', value: (r) => fixed(1)(r.text_bytes / 1e6), right: true },
        { title: 'shards', value: (r) => r.shards ?? '-', right: true },
        { title: 'rounds', value: (r) => r.rounds, right: true },
        { title: 'steps', value: (r) => r.steps, right: true },
        { title: 'memory tok/s', value: (r) => fixed(1)(r.memory_tokens_per_s), right: true },
        { title: 'shards tok/s', value: (r) => fixed(1)(r.shards_tokens_per_s), right: true },
        { title: 'ratio', value: (r) => fixed(4)(r.ratio_median), right: true },
        { title: 'total', value: (r) => fixed(4)(r.ratio_total), right: true },
        { title: 'min', value: (r) => fixed(4)(r.ratio_min), right: true },
        { title: 'max', value: (r) => fixed(4)(r.ratio_max), right: true },
        { title: 'batch ms mem', value: (r) => fixed(3)(r.batch_ms_memory), right: true },
        { title: 'batch ms shards', value: (r) => fixed(3)(r.batch_ms_shards), right: true },
        { title: 'read cost %', value: (r) => fixed(3)(r.read_cost_pct), right: true },
        { title: 'same losses', value: (r) => String(r.same_losses ?? '-') },
        { title: 'status', value: status },
      ],
    },
    {
      title: "shards: the worker's heap while gpt-nano trains from a corpus's shards (MB)",
      rows: (rows) => rows.filter((r) => r.measure === 'heap'),
      columns: [
        { title: 'corpus MB', value: (r) => r.size_mb, right: true },
        { title: 'tokens', value: (r) => r.tokens ?? '-', right: true },
        { title: 'shards', value: (r) => r.shards ?? '-', right: true },
        { title: 'steps', value: (r) => r.steps, right: true },
        { title: 'base', value: (r) => mb(r.heap_baseline_bytes), right: true },
        { title: 'growth', value: (r) => mb(r.heap_growth_bytes), right: true },
        { title: 'peak', value: (r) => mb(r.heap_peak_bytes), right: true },
        { title: 'WASM memory', value: (r) => mb(r.wasm_memory_bytes), right: true },
        { title: 'samples', value: (r) => r.heap_samples ?? '-', right: true },
        { title: 'status', value: status },
      ],
    },
  ],
};
