// Node side of the snapshots suite (issue #5): which sizes to run, the heap sampler attached to
// each case's worker, and the tables. The browser side is bench/suites/snapshots.ts.
import { writeFile } from 'node:fs/promises';
import process from 'node:process';
import { sampleWorkerHeap } from './heap-sampler.mjs';
import { summarizeHeap } from './heap-summary.mjs';
import { targetColumns, verdicts } from './snapshot-targets.mjs';

// mlp, embed 16, context 4, on the bundled names (vocab 28); widths picked so stateBytes
// (weights + Adam's m and v, float32) lands on 1, 20 and 100 MB: 1,000,068, 20,010,372 and
// 99,996,432 bytes.
const MB1 = { size: '1MB', config: { layers: 1, width: 891 }, windowMs: 8000 };
const MB20 = { size: '20MB', config: { layers: 2, width: 1245 }, windowMs: 12_000 };
const MB100 = { size: '100MB', config: { layers: 2, width: 2840 }, windowMs: 12_000 };
// Each size on the automatic choice (what a page without ?backend= trains on: WASM on this
// machine) and on WebGL; WebGPU at 1 and 20 MB. WebGPU on SwiftShader takes ~7 s a step at
// 100 MB: the full case does not finish in 7 min, so it runs once, shortened (full runs only).
const SIZES = [
  ...[MB1, MB20, MB100].flatMap((s) => [
    { ...s, backend: 'auto' },
    { ...s, backend: 'webgl' },
  ]),
  { ...MB1, backend: 'webgpu' },
  { ...MB20, backend: 'webgpu' },
  {
    ...MB100,
    backend: 'webgpu',
    windowMs: 15_000,
    short: { rounds: 1, heapSnapshots: 1, reps: 1 },
  },
];
// BENCH_HEAP_TRACE=/tmp/heap writes each case's heap samples to /tmp/heap-<size>-<backend>.json.
const TRACE = process.env['BENCH_HEAP_TRACE'];
// BENCH_SNAPSHOT_SIZES=20MB,100MB runs only those sizes (for working on one).
// BENCH_SNAPSHOT_SIZES=100MB/webgl names a size on one backend.
const onlySizes = process.env['BENCH_SNAPSHOT_SIZES']?.split(',');
const picked = (s) => onlySizes.includes(s.size) || onlySizes.includes(`${s.size}/${s.backend}`);

// BENCH_SNAPSHOT_ROUNDS=7 runs more throughput rounds (each a window with and one without).
const ROUNDS = Number(process.env['BENCH_SNAPSHOT_ROUNDS'] ?? 0) || null;
// BENCH_SNAPSHOT_WINDOW_MS=4000 sets every case's window length (more, shorter windows resolve
// a ratio better on a machine whose speed drifts over tens of seconds).
const WINDOW_MS = Number(process.env['BENCH_SNAPSHOT_WINDOW_MS'] ?? 0) || null;
// BENCH_SNAPSHOT_SECONDS=auto trains the "with" windows on the app's default policy (Young's
// interval from the measured snapshot cost, an hour between interruptions: about 85 s at 20 MB)
// instead of a snapshot every 2 s; give it windows that hold several, e.g.
// BENCH_SNAPSHOT_WINDOW_MS=300000 (the case's time limit grows with the windows).
const EVERY = process.env['BENCH_SNAPSHOT_SECONDS'] ?? '2';
const SNAPSHOT_SECONDS = EVERY === 'auto' ? 'auto' : Number(EVERY);
if (SNAPSHOT_SECONDS !== 'auto' && !(SNAPSHOT_SECONDS > 0)) {
  throw new Error(`BENCH_SNAPSHOT_SECONDS="${EVERY}": give a number of seconds or auto.`);
}
const everyTitle =
  SNAPSHOT_SECONDS === 'auto' ? 'the automatic interval' : `a snapshot every ${SNAPSHOT_SECONDS} s`;
const FULL = { warmupSteps: 3, rounds: 3, heapSnapshots: 3, reps: 3 };
const QUICK = { warmupSteps: 2, rounds: 1, heapSnapshots: 2, reps: 2 };

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const mb = (v) => fixed(1)(v === null || v === undefined ? v : v / 1e6);
const ratio = (r) =>
  r.steps_per_s_with_snapshot == null || !r.steps_per_s_no_snapshot
    ? '-'
    : (r.steps_per_s_with_snapshot / r.steps_per_s_no_snapshot).toFixed(3);
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);
const breakdown = (r) => {
  const b = r.breakdown;
  if (!b) return '-';
  return [b.readback_ms, b.hash_ms, b.blob_ms, b.commit_ms].map((x) => x.toFixed(0)).join('/');
};

const id = [
  { title: 'size', value: (r) => r.size },
  { title: 'backend', value: (r) => r.backend },
];

export const snapshotsSuite = {
  name: 'snapshots',
  /** IndexedDB and OPFS on disk: an incognito context would keep them in memory. */
  persistentProfile: true,
  caseTimeoutMs: (quick) =>
    Math.max(quick ? 240_000 : 420_000, 2 * (ROUNDS ?? 3) * (WINDOW_MS ?? 0) + 300_000),

  cases(quick) {
    const sizes = SIZES.filter((s) => (onlySizes ? picked(s) : !quick || s.size !== '100MB'));
    return sizes.map(({ size, backend, config, windowMs, short }) => ({
      suite: 'snapshots',
      size,
      backend,
      config: { model: 'mlp', embed: 16, context: 4, batch: 32, ...config },
      windowMs: quick ? Math.round(windowMs / 2) : windowMs,
      snapshotSeconds: SNAPSHOT_SECONDS,
      ...(quick ? QUICK : FULL),
      ...short,
      ...(ROUNDS === null ? {} : { rounds: ROUNDS }),
      ...(WINDOW_MS === null ? {} : { windowMs: WINDOW_MS }),
    }));
  },

  observe(page) {
    const sampler = sampleWorkerHeap(page);
    return {
      async finish(row) {
        const { samples, failure } = await sampler.stop();
        if (TRACE)
          await writeFile(`${TRACE}-${row.size}-${row.backend}.json`, JSON.stringify(samples));
        const heap = row.heap_window && summarizeHeap(samples, row.heap_window);
        const reason = heap ? null : `heap not sampled: ${failure ?? `${samples.length} samples`}`;
        const out = { ...row, ...(heap ?? {}), heap_window: undefined };
        if (reason !== null && row.status === 'ok') out.heap_note = reason;
        return { ...out, targets: verdicts(out) };
      },
    };
  },

  failedRow(spec, reason) {
    return {
      model: spec.config.model,
      size: spec.size,
      backend: spec.backend,
      status: 'error',
      reason,
    };
  },

  label: (spec) => `mlp ${spec.size} on ${spec.backend}`,

  tables: [
    {
      title: `snapshots: training with ${everyTitle} (ms unless named; medians)`,
      columns: [
        ...id,
        { title: 'state MB', value: (r) => mb(r.state_bytes), right: true },
        { title: 'step', value: (r) => fixed(1)(r.step_ms_median), right: true },
        { title: 'steps/s', value: (r) => fixed(2)(r.steps_per_s_no_snapshot), right: true },
        { title: 'w/ snap', value: (r) => fixed(2)(r.steps_per_s_with_snapshot), right: true },
        { title: 'ratio', value: ratio, right: true },
        { title: 'paired', value: (r) => fixed(3)(r.ratio_paired_median), right: true },
        { title: 'est', value: (r) => fixed(3)(r.ratio_from_slowdown), right: true },
        { title: 'snaps', value: (r) => r.snapshots_taken ?? '-', right: true },
        { title: 'stall', value: (r) => fixed(2)(r.stall_ms_median), right: true },
        { title: 'slowdown', value: (r) => fixed(0)(r.step_slowdown_ms_median), right: true },
        { title: 'persist', value: (r) => fixed(0)(r.persist_ms_median), right: true },
        { title: 'steps/persist', value: (r) => r.steps_per_persist_median ?? '-', right: true },
        { title: 'MB/s', value: (r) => fixed(1)(r.persist_mb_per_s), right: true },
        { title: 'heap+ MB', value: (r) => mb(r.peak_js_heap_bytes), right: true },
        { title: 'first', value: (r) => mb(r.peak_js_heap_first_bytes), right: true },
        { title: 'hasher', value: (r) => mb(r.peak_hasher_bytes), right: true },
        { title: 'largest MB', value: (r) => mb(r.largest_tensor_bytes), right: true },
        { title: 'status', value: status },
      ],
    },
    {
      title: 'snapshots: storage, resume and files (ms unless named; medians)',
      columns: [
        ...id,
        { title: 'paused rb/hash/blob/commit', value: breakdown, right: true },
        { title: 'tfjs save', value: (r) => fixed(0)(r.tfjs_save_ms), right: true },
        { title: 'committed', value: (r) => fixed(0)(r.tfjs_save_committed_ms), right: true },
        { title: 'idb blob MB/s', value: (r) => fixed(1)(r.raw_idb_blob_mb_per_s), right: true },
        {
          title: 'idb AB MB/s',
          value: (r) => fixed(1)(r.raw_idb_arraybuffer_mb_per_s),
          right: true,
        },
        { title: 'opfs MB/s', value: (r) => fixed(1)(r.raw_opfs_mb_per_s), right: true },
        { title: 'backend', value: (r) => fixed(0)(r.backend_start_ms), right: true },
        { title: 'cold step', value: (r) => fixed(0)(r.first_step_cold_ms), right: true },
        { title: 'resume', value: (r) => fixed(0)(r.resume_ms), right: true },
        { title: 'of it load', value: (r) => fixed(0)(r.resume_load_ms), right: true },
        { title: 'export', value: (r) => fixed(0)(r.export_ms), right: true },
        { title: 'import', value: (r) => fixed(0)(r.import_ms), right: true },
      ],
    },
    { title: 'snapshots: targets (figure/limit)', columns: [...id, ...targetColumns] },
  ],
};
