// The training suite's figures across rows: each case's median round, and the ratios
// between backends (and kernels) of one model and size measured in the same run.

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
export function withRatios(measured) {
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
