// Node side of the jobs suite (issue #10): which model sizes, the heap sampler attached to each
// case's worker (for the results download), and the table. The browser side is
// bench/suites/jobs.ts.
import { sampleWorkerHeap } from './heap-sampler.mjs';
import { summarizeHeap } from './heap-summary.mjs';

const SIZES = [
  { size: 'small', config: { model: 'mlp', embed: 16, width: 128, layers: 1, context: 8 } },
  { size: 'large', config: { model: 'mlp', embed: 32, width: 512, layers: 2, context: 8 } },
];

const FULL = { generateItems: 2000, rounds: 5 };
const QUICK = { generateItems: 300, rounds: 2 };

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const mb = (v) => fixed(1)(v === null || v === undefined ? v : v / 1e6);
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

export const jobsSuite = {
  name: 'jobs',
  /** IndexedDB on disk: strict-durability commits cost what they cost a user. */
  persistentProfile: true,
  caseTimeoutMs: (quick) => (quick ? 240_000 : 600_000),

  cases(quick) {
    return SIZES.map(({ size, config }, i) => ({
      suite: 'jobs',
      size,
      backend: 'cpu',
      config: { ...config, batch: 32 },
      trainSteps: 2,
      maxLength: 32,
      // The file does not depend on the model: 100,000 items once, and 10,000 for comparison,
      // so the heap's peak can be seen not to grow with the file.
      downloadItems: i === 0 ? 100_000 : 10_000,
      ...(quick ? QUICK : FULL),
    }));
  },

  observe(page) {
    const sampler = sampleWorkerHeap(page);
    return {
      async finish(row) {
        const { samples, failure } = await sampler.stop();
        if (!row.heap_window) return { ...row, heap_window: undefined };
        const heap = summarizeHeap(samples, row.heap_window);
        const out = { ...row, ...(heap ?? {}), heap_window: undefined, retained_window: undefined };
        const [from, to] = row.retained_window ?? [0, 0];
        const after = samples
          .filter((s) => s.t >= from && s.t <= to)
          .map((s) => s.used + s.backing);
        if (heap !== null && after.length > 0) {
          after.sort((a, b) => a - b);
          out.retained_after_gc_bytes = after[after.length >> 1] - heap.heap_baseline_bytes;
        }
        if (heap === null)
          out.heap_note = `heap not sampled: ${failure ?? `${samples.length} samples`}`;
        return out;
      },
    };
  },

  failedRow(spec, reason) {
    return { size: spec.size, backend: spec.backend, status: 'error', reason };
  },

  label: (spec) => `mlp ${spec.size} on ${spec.backend}`,

  tables: [
    {
      title: 'jobs: generate and score (items/s; commit ms; heap while downloading)',
      columns: [
        { title: 'size', value: (r) => r.size },
        { title: 'backend', value: (r) => r.backend },
        { title: 'params', value: (r) => r.params ?? '-', right: true },
        { title: 'gen items', value: (r) => r.generate_items ?? '-', right: true },
        {
          title: 'gen/s no commit',
          value: (r) => fixed(1)(r.generate_items_per_s_no_commit),
          right: true,
        },
        { title: 'gen/s', value: (r) => fixed(1)(r.generate_items_per_s), right: true },
        { title: 'batch', value: (r) => r.batch_size ?? '-', right: true },
        { title: 'ratio', value: (r) => fixed(3)(r.commit_ratio), right: true },
        { title: 'score/s', value: (r) => fixed(1)(r.score_items_per_s), right: true },
        { title: 'commits', value: (r) => r.commits ?? '-', right: true },
        { title: 'commit med', value: (r) => fixed(1)(r.commit_ms_median), right: true },
        { title: 'commit max', value: (r) => fixed(1)(r.commit_ms_max), right: true },
        { title: 'dl items', value: (r) => r.download_items || '-', right: true },
        { title: 'dl MB', value: (r) => mb(r.download_bytes), right: true },
        { title: 'dl ms', value: (r) => fixed(0)(r.download_ms), right: true },
        { title: 'heap+ MB', value: (r) => mb(r.peak_js_heap_bytes), right: true },
        { title: 'kept MB', value: (r) => mb(r.retained_after_gc_bytes), right: true },
        { title: 'status', value: status },
      ],
    },
  ],
};
