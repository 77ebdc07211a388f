import * as tf from '@tensorflow/tfjs';
import type { HeapWindow, SnapshotsCase, SnapshotsRow } from '../bench-api';
import { setHeapPhase } from './heap-phases';
import type { SnapshotLoop, WindowResult } from './snapshot-loop';
import { epochNow, median, medianOrNull, progress, round } from './stats';

const HEAP_BASELINE_MS = 2500;

/**
 * The WebAssembly memory's size on the WASM backend (it only grows): not in the runner's heap
 * figures, whose backing stores leave it out. BENCH_VERBOSE=1 prints it.
 */
export function wasmMemory(): string {
  if (tf.getBackend() !== 'wasm') return '';
  const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
  return `, WebAssembly memory ${(heap.byteLength / 1e6).toFixed(1)} MB`;
}
const HEAP_PHASE_CAP_MS = 300_000;

function rate(w: WindowResult): number {
  return (w.steps * 1000) / w.wallMs;
}

function outsideSteps(w: WindowResult): number {
  return 1 - w.stepMs / w.wallMs;
}

/**
 * Training throughput without and with the snapshot timer, in alternating windows of equal
 * length (so a neighbour's load on the shared machine hits both alike), then the heap phase.
 */
export async function measureTraining(
  loop: SnapshotLoop,
  spec: SnapshotsCase,
): Promise<Partial<SnapshotsRow>> {
  const without: WindowResult[] = [];
  const withSnap: WindowResult[] = [];
  const plainSteps: number[] = [];
  const firstStall = loop.stallMs.length;
  const firstCommit = loop.committed.length;
  const firstSnapshot = firstStall;
  const plain = async () => {
    const before = loop.steps.length;
    without.push(await loop.window({ ms: spec.windowMs, everyMs: null }));
    plainSteps.push(...loop.steps.slice(before).map((s) => s.ms));
  };
  const snapping = async () => {
    const every = spec.snapshotSeconds;
    withSnap.push(
      await loop.window({ ms: spec.windowMs, everyMs: every === 'auto' ? every : every * 1000 }),
    );
  };
  for (let r = 1; r <= spec.rounds; r++) {
    // ABBA: odd rounds train without snapshots first, even rounds with, so that a drift of
    // the machine's speed within a round does not favour either.
    for (const window of r % 2 === 1 ? [plain, snapping] : [snapping, plain]) await window();
    progress(
      `round ${r}: ${without.at(-1)!.steps} and ${withSnap.at(-1)!.steps} steps${wasmMemory()}`,
    );
  }
  const paired = withSnap.map((w, i) => rate(w) / rate(without[i]!));
  const stepMs = median(plainSteps);
  const stalls = loop.stallMs.slice(firstStall);
  const persists = loop.committed.slice(firstCommit).map((c) => c.persistMs);
  // What each snapshot cost the steps that ran while it persisted, over an undisturbed step.
  const extra = new Map<number, number>();
  const overlapping = new Map<number, number>();
  for (const { snapshot, ms } of loop.steps) {
    if (snapshot < firstSnapshot) continue;
    extra.set(snapshot, (extra.get(snapshot) ?? 0) + ms - stepMs);
    overlapping.set(snapshot, (overlapping.get(snapshot) ?? 0) + 1);
  }
  const slowdown = medianOrNull([...extra.values()]);
  const withWallMs = withSnap.reduce((sum, w) => sum + w.wallMs, 0);
  const heap_window = await heapPhase(loop, spec);
  progress(`heap phase done${wasmMemory()}`);
  return {
    step_ms_median: round(stepMs),
    steps_per_s_no_snapshot: round(median(without.map(rate))),
    steps_per_s_with_snapshot: round(median(withSnap.map(rate))),
    window_steps_per_s: {
      without: without.map(rate).map(round),
      with: withSnap.map(rate).map(round),
    },
    // The share of each window's time spent outside the steps (the loop's own work, events,
    // and with snapshots their work on this thread), median over the rounds.
    between_steps_share: {
      without: medianOrNull(without.map(outsideSteps)),
      with: medianOrNull(withSnap.map(outsideSteps)),
    },
    // Each round's with ÷ without, then the median: a slow drift of the machine cancels.
    ratio_paired_median: round(median(paired)),
    ratio_paired: paired.map(round),
    snapshots_taken: persists.length,
    stall_ms_median: medianOrNull(stalls),
    stall_ms_max: stalls.length === 0 ? null : round(Math.max(...stalls)),
    step_slowdown_ms_median: slowdown,
    // Less exposed to a neighbour's load than two window rates: the time snapshots added.
    ratio_from_slowdown:
      slowdown === null ? null : round(1 - (Math.max(0, slowdown) * persists.length) / withWallMs),
    steps_per_persist_median: medianOrNull([...overlapping.values()]),
    persist_ms_median: medianOrNull(persists),
    persist_ms_max: persists.length === 0 ? null : round(Math.max(...persists)),
    heap_window,
  };
}

/**
 * Garbage collected, training without snapshots (the baseline); collected again, then
 * `heapSnapshots` snapshots back to back while training goes on.
 */
async function heapPhase(loop: SnapshotLoop, spec: SnapshotsCase): Promise<HeapWindow> {
  await setHeapPhase('baseline-gc');
  await setHeapPhase('baseline');
  const baselineStart = epochNow();
  await loop.window({ ms: HEAP_BASELINE_MS, everyMs: null });
  await setHeapPhase('snapshot-gc');
  const snapshotStart = epochNow();
  const first = loop.committedAt.length;
  await setHeapPhase('snapshot');
  await loop.window({ ms: HEAP_PHASE_CAP_MS, everyMs: 0, untilCommits: spec.heapSnapshots });
  const end = epochNow();
  await setHeapPhase('done');
  return { baselineStart, snapshotStart, firstCommit: loop.committedAt[first] ?? end, end };
}
