// The BPE suite (issue 20): byte tokens' MB/s, BPE training time and encoding MB/s by vocabulary
// size. No page: the tokenizer is plain TypeScript, so each case runs bench/bpe-bench.mjs in a
// child Node process (one per case, so one case's heap does not weigh on the next) and reads
// back the row it writes. `npm run bench:bpe` runs the same script on its own.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../bpe-bench.mjs', import.meta.url));
const FULL = { sizeMB: 100, encodeMB: 32, vocabs: [512, 8192, 32768] };
const QUICK = { sizeMB: 10, encodeMB: 10, vocabs: [512, 8192] };

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

/** Runs the script for one case; resolves { row } or { error }, as runInFreshPage does. */
async function runScript(spec, timeoutMs) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bpe-bench-'));
  const out = path.join(dir, 'rows.json');
  const env = {
    ...process.env,
    BPE_BENCH_MB: String(spec.sizeMB),
    BPE_BENCH_ENCODE_MB: String(spec.encodeMB),
    BPE_BENCH_VOCABS: spec.vocab === null ? '' : String(spec.vocab),
    BPE_BENCH_BYTES: spec.vocab === null ? '1' : '0',
    BPE_BENCH_JSON: out,
  };
  try {
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
      if (process.env['BENCH_VERBOSE'] === '1') child.stdout.pipe(process.stdout);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (c, signal) => {
        clearTimeout(timer);
        // Node ends a crash with its version line: the error is the last line that names one.
        const lines = stderr.trim().split('\n');
        const error = lines.findLast((l) => /Error|error/.test(l)) ?? lines.pop() ?? '';
        resolve(c === 0 ? 0 : `exit ${c ?? signal}: ${error.trim()}`);
      });
    });
    if (code !== 0) return { error: code };
    const { clockName, rows } = JSON.parse(await readFile(out, 'utf8'));
    return { row: { ...spec, clock: clockName, ...rows[0], status: 'ok' } };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const bpeSuite = {
  name: 'bpe',
  /** Runs in Node: run-bench.mjs starts no browser for it. */
  inNode: true,
  caseTimeoutMs: (quick) => (quick ? 300_000 : 1_200_000),

  cases(quick) {
    const { sizeMB, encodeMB, vocabs } = quick ? QUICK : FULL;
    return [null, ...vocabs].map((vocab) => ({ suite: 'bpe', sizeMB, encodeMB, vocab }));
  },

  runCase: (_opener, _dist, spec, timeoutMs) => runScript(spec, timeoutMs),

  failedRow(spec, reason) {
    return { ...spec, status: 'error', reason };
  },

  label: (spec) =>
    `${spec.vocab === null ? 'byte tokens' : `BPE vocab ${spec.vocab}`} on ${spec.sizeMB} MB`,

  tables: [
    {
      title:
        'bpe: tokenizing in Node (one-thread times are process CPU time; 2 threads: wall time)',
      columns: [
        { title: 'case', value: (r) => (r.vocab === null ? 'byte tokens' : `BPE ${r.vocab}`) },
        { title: 'corpus MB', value: (r) => r.sizeMB, right: true },
        { title: 'sample MB', value: (r) => fixed(1)(r.sampleMB), right: true },
        { title: 'words', value: (r) => r.words ?? '-', right: true },
        { title: 'train s', value: (r) => fixed(2)(r.trainS), right: true },
        { title: 'heap MB', value: (r) => r.heapAfterMB ?? '-', right: true },
        { title: 'encoded MB', value: (r) => fixed(1)(r.MB), right: true },
        { title: 'MB/s', value: (r) => fixed(1)(r['MB/s']), right: true },
        { title: 'MB/s wall', value: (r) => fixed(1)(r['MB/s wall']), right: true },
        { title: 'MB/s 2 thr', value: (r) => fixed(1)(r['MB/s 2 threads wall']), right: true },
        {
          title: '2 thr encoding',
          value: (r) => fixed(1)(r['MB/s 2 threads encoding']),
          right: true,
        },
        { title: 'status', value: status },
      ],
    },
  ],
};
