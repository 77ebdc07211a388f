// The targets of issue #5, checked on each snapshots row. A verdict is 'pass', 'fail' or 'n/a'
// (not applicable at this size, or not measured), with the two figures it compares.

const MIB = 2 ** 20;

function verdict(value, limit, ok, applies = true) {
  if (!applies || value === null || value === undefined || limit === null) {
    return { verdict: 'n/a', value: value ?? null, limit: limit ?? null };
  }
  return { verdict: ok(value, limit) ? 'pass' : 'fail', value, limit };
}

const atMost = (v, l) => v <= l;
const atLeast = (v, l) => v >= l;
const scale = (x, k) => (x === null || x === undefined ? null : x * k);

export const TARGETS = [
  {
    key: 'stall',
    title: 'stall<=step',
    check: (r) => verdict(r.stall_ms_median, r.step_ms_median, atMost),
  },
  {
    key: 'throughput',
    title: 'snap/s>=0.98x',
    // The median of the rounds' paired ratios where there is one (a drift of the machine's
    // speed between rounds cancels in it); else the ratio of the two median rates.
    check: (r) =>
      r.ratio_paired_median != null
        ? verdict(r.ratio_paired_median, 0.98, atLeast)
        : verdict(r.steps_per_s_with_snapshot, scale(r.steps_per_s_no_snapshot, 0.98), atLeast),
  },
  {
    key: 'vs_tfjs',
    title: 'persist<=tfjs',
    check: (r) => verdict(r.persist_ms_median, r.tfjs_save_ms, atMost),
  },
  {
    key: 'vs_raw_idb',
    title: 'MB/s>=0.7raw',
    check: (r) =>
      verdict(
        r.persist_mb_per_s,
        scale(r.raw_idb_blob_mb_per_s, 0.7),
        atLeast,
        r.state_bytes >= 19e6,
      ),
  },
  {
    key: 'heap',
    title: 'heap MB<=big+16MiB',
    unit: 1e6,
    check: (r) =>
      verdict(
        r.peak_js_heap_bytes,
        r.largest_tensor_bytes && r.largest_tensor_bytes + 16 * MIB,
        atMost,
      ),
  },
  {
    key: 'resume',
    title: 'resume<1.5s',
    check: (r) =>
      verdict(r.resume_ms, 1500, (v, l) => v < l, r.state_bytes >= 19e6 && r.state_bytes <= 21e6),
  },
];

export function verdicts(row) {
  return Object.fromEntries(TARGETS.map((t) => [t.key, t.check(row)]));
}

function short(x) {
  if (x === null) return '-';
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** A table column per target: "pass 0.2/80" shows the figure and the limit it was held to. */
export const targetColumns = TARGETS.map((t) => ({
  title: t.title,
  value: (r) => {
    const v = r.targets?.[t.key] ?? t.check(r);
    if (v.verdict === 'n/a') return 'n/a';
    const unit = t.unit ?? 1;
    return `${v.verdict} ${short(v.value / unit)}/${short(v.limit / unit)}`;
  },
}));
