function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// The worker's clock (timeOrigin + now) and Node's Date.now() agree to a few ms on one machine;
// samples at a phase's edges are left out rather than guessed.
const EDGE_MS = 50;

/**
 * Peak minus baseline of the worker's JS memory (heap + ArrayBuffer backing stores, and each
 * apart; the snapshot hasher's included) over the snapshot phase, and over its first snapshot
 * alone; the baseline is the median over the training-only phase before it. Both phases train,
 * so a step's own garbage is in both; snapshots back to back also carry the previous one's
 * garbage until V8 collects it.
 */
export function summarizeHeap(samples, window) {
  const total = (s) => s.used + s.backing;
  const baseline = samples.filter(
    (s) => s.t >= window.baselineStart + EDGE_MS && s.t <= window.snapshotStart - EDGE_MS,
  );
  const during = samples.filter((s) => s.t >= window.snapshotStart && s.t <= window.end + EDGE_MS);
  const first = during.filter((s) => s.t <= window.firstCommit + EDGE_MS);
  if (baseline.length === 0 || first.length === 0) return null;
  const base = { total: median(baseline.map(total)), used: median(baseline.map((s) => s.used)) };
  const baseBacking = median(baseline.map((s) => s.backing));
  return {
    peak_js_heap_bytes: Math.max(...during.map(total)) - base.total,
    peak_js_heap_first_bytes: Math.max(...first.map(total)) - base.total,
    peak_heap_used_bytes: Math.max(...during.map((s) => s.used)) - base.used,
    peak_backing_store_bytes: Math.max(...during.map((s) => s.backing)) - baseBacking,
    heap_baseline_bytes: base.total,
    // The snapshot hasher's share of the totals above (its own worker; 0 until it starts).
    peak_hasher_bytes: Math.max(0, ...during.map((s) => s.hasher ?? 0)),
    heap_samples: baseline.length + during.length,
  };
}
