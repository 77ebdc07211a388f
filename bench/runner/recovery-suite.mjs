// The recovery suite (issue 17): how long the app's page takes from a worker crash or a lost
// GPU device back to training with its step moving, and where that time goes. It drives the
// built app (dist/index.html with ?debug=1), not the bench page: one fresh page per round,
// since the page allows 3 restarts in 5 minutes. One round is in recovery-round.mjs.
//
//   BENCH_RECOVERY_ROUNDS=7     rounds per case (default 7, quick 2); the cases of a round run
//                               one after the other, so the machine's drift hits them alike
//   BENCH_RECOVERY_CASES=webgpu/crash,auto/crash   only these (backend/fault)
//   BENCH_RECOVERY_OTHER=path   also measure another built dist/ (e.g. an older commit's),
//                               interleaved with this one, A B B A: its rows say build "other"
import process from 'node:process';
import { serveStatic } from './static-server.mjs';
import { inFreshPage } from './browser-case.mjs';
import { recoveryRound } from './recovery-round.mjs';

// The default config (the small MLP); WebGPU forced, and the automatic choice.
const CASES = [
  { backend: 'webgpu', fault: 'crash' },
  { backend: 'webgpu', fault: 'device-loss' },
  { backend: 'auto', fault: 'crash' },
  { backend: 'auto', fault: 'device-loss' },
];
const onlyCases = process.env['BENCH_RECOVERY_CASES']?.split(',').map((c) => c.trim());
const picked = (c) => onlyCases === undefined || onlyCases.includes(`${c.backend}/${c.fault}`);
const ROUNDS = Number(process.env['BENCH_RECOVERY_ROUNDS'] ?? 0) || null;
const OTHER = process.env['BENCH_RECOVERY_OTHER'] ?? null;

/**
 * One server per (build, backend): each is its own origin, so its own IndexedDB. A run resumed
 * at boot stays on its snapshot's backend, so a shared origin would carry WebGPU into `auto`.
 */
const servers = new Map();
async function originFor(dist, backend) {
  const key = `${dist} ${backend}`;
  if (!servers.has(key)) servers.set(key, serveStatic(dist));
  return (await servers.get(key)).url;
}

const fixed = (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(0));
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

function spread(values) {
  if (values.length === 0) return { median: null, min: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Each phase's median over the rounds that reached it, in the order of the first round. */
function phaseMedians(rounds) {
  const byPhase = new Map();
  for (const round of rounds) {
    for (const { phase, ms } of round.phases)
      byPhase.set(phase, [...(byPhase.get(phase) ?? []), ms]);
  }
  return [...byPhase].map(([phase, values]) => ({
    phase,
    rounds: values.length,
    ...spread(values),
  }));
}

/** One row per (backend, fault, build): medians and ranges over its rounds, every round kept. */
function summarize(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.backend} ${row.fault} ${row.build}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const ok = group.filter((r) => r.status === 'ok');
    const first = ok[0] ?? group[0];
    const training = spread(ok.map((r) => r.to_training_ms));
    const moving = spread(ok.map((r) => r.to_step_ms));
    return {
      backend: first.backend,
      fault: first.fault,
      build: first.build,
      ran_on: first.ran_on ?? '-',
      rounds: ok.length,
      to_training_ms_median: training.median,
      to_training_ms_min: training.min,
      to_training_ms_max: training.max,
      to_step_ms_median: moving.median,
      to_step_ms_min: moving.min,
      to_step_ms_max: moving.max,
      phases: phaseMedians(ok),
      // Each round's totals; its phases are in the medians above.
      round_rows: group.map(({ phases: _phases, ...round }) => round),
      status: ok.length > 0 ? 'ok' : group[0].status,
      reason: ok.length > 0 ? undefined : group[0].reason,
    };
  });
}

const caseOf = (r) => `${r.backend} ${r.fault}${OTHER === null ? '' : ` (${r.build})`}`;

export const recoverySuite = {
  name: 'recovery',
  /** IndexedDB and OPFS on disk, as a user's: the resume reads its snapshot from there. */
  persistentProfile: true,

  cases(quick) {
    const rounds = ROUNDS ?? (quick ? 2 : 7);
    const builds = OTHER === null ? ['this'] : ['this', 'other'];
    const specs = [];
    for (let round = 0; round < rounds; round++) {
      // A B B A: neither build always runs first in a round.
      const order = round % 2 === 0 ? builds : [...builds].reverse();
      for (const c of CASES.filter(picked))
        for (const build of order) specs.push({ ...c, build, round });
    }
    return specs;
  },

  /** Drives the app page itself (see recovery-round.mjs) rather than the bench page. */
  runCase(opener, dist, spec, timeoutMs) {
    return inFreshPage(opener, timeoutMs, async (page) => {
      const origin = await originFor(spec.build === 'other' ? OTHER : dist, spec.backend);
      const query = spec.backend === 'auto' ? '' : `&backend=${spec.backend}`;
      return recoveryRound(page, `${origin}/?debug=1${query}`, spec);
    });
  },

  finish: summarize,

  async close() {
    for (const server of servers.values()) await (await server).close();
    servers.clear();
  },

  failedRow(spec, reason) {
    const { backend, fault, build } = spec;
    return { backend, fault, build, status: 'error', reason };
  },

  label: (spec) => `${caseOf(spec)} round ${spec.round + 1}`,

  tables: [
    {
      title: 'recovery: fault → status training → step moving (ms; median, min–max over rounds)',
      columns: [
        { title: 'case', value: caseOf },
        { title: 'ran on', value: (r) => r.ran_on },
        { title: 'rounds', value: (r) => r.rounds, right: true },
        { title: 'training', value: (r) => fixed(r.to_training_ms_median), right: true },
        {
          title: 'range',
          value: (r) => `${fixed(r.to_training_ms_min)}–${fixed(r.to_training_ms_max)}`,
          right: true,
        },
        { title: 'step moving', value: (r) => fixed(r.to_step_ms_median), right: true },
        {
          title: 'range',
          value: (r) => `${fixed(r.to_step_ms_min)}–${fixed(r.to_step_ms_max)}`,
          right: true,
        },
        { title: 'status', value: status },
      ],
    },
    {
      title: 'recovery: where the time goes (ms per phase; median, min–max over rounds)',
      rows: (rows) => rows.flatMap((r) => (r.phases ?? []).map((p) => ({ ...p, case: caseOf(r) }))),
      columns: [
        { title: 'case', value: (p) => p.case },
        { title: 'phase', value: (p) => p.phase },
        { title: 'rounds', value: (p) => p.rounds, right: true },
        { title: 'median', value: (p) => fixed(p.median), right: true },
        { title: 'range', value: (p) => `${fixed(p.min)}–${fixed(p.max)}` },
      ],
    },
  ],
};
