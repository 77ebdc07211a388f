// `npm run bench`: builds (in the npm script), serves dist/, and runs every suite's cases in
// headless Chromium, one fresh page per case; prints a table per suite and writes
// bench/results.json. Not a test: nothing here asserts on time.
//
//   BENCH_QUICK=1        small sizes and a few steps, a smoke run of a few minutes
//   BENCH_SUITES=a,b     run only these suites (training, snapshots, jobs, recovery, bpe, gpt,
//                        corpus, shards); the file keeps the others'
//   BENCH_OUT=path       write elsewhere than bench/results.json
//   BENCH_VERBOSE=1      print each case's progress lines
//   BENCH_SNAPSHOT_SIZES, BENCH_SNAPSHOT_ROUNDS, BENCH_SNAPSHOT_SECONDS, BENCH_HEAP_TRACE: see
//                        runner/snapshots-suite.mjs
//   BENCH_BACKENDS, BENCH_TRAINING_ROUNDS: see runner/training-cases.mjs
//   BENCH_RECOVERY_ROUNDS, BENCH_RECOVERY_OTHER: see runner/recovery-suite.mjs
//   bpe: runs in Node, no page (runner/bpe-suite.mjs; BPE_BENCH_CLOCK as in bpe-bench.mjs)
//   BENCH_SHARDS_ROUNDS, BENCH_SHARDS_HEAP_MB: see runner/shard-training-suite.mjs
//   BENCH_GPT_PRESETS, BENCH_GPT_BACKENDS, BENCH_GPT_BUDGET_S, BENCH_GPT_SNAPSHOTS: see
//                        runner/gpt-suite.mjs
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';
import { launchBrowser, launchProfile, runInFreshPage } from './runner/browser-case.mjs';
import { machineInfo, writeResults } from './runner/results-file.mjs';
import { serveStatic } from './runner/static-server.mjs';
import { snapshotsSuite } from './runner/snapshots-suite.mjs';
import { jobsSuite } from './runner/jobs-suite.mjs';
import { bpeSuite } from './runner/bpe-suite.mjs';
import { corpusSuite } from './runner/corpus-suite.mjs';
import { shardTrainingSuite } from './runner/shard-training-suite.mjs';
import { recoverySuite } from './runner/recovery-suite.mjs';
import { formatTable } from './runner/table.mjs';
import { gptSuite } from './runner/gpt-suite.mjs';
import { trainingSuite } from './runner/training-suite.mjs';

/**
 * Every suite: { name, cases(quick), failedRow(spec, reason), label(spec), and columns or
 * tables: [{ title, columns, rows?(rows) (the table's own rows) }] }; optionally
 * persistentProfile (storage on disk), caseTimeoutMs(quick), observe(page, spec) (see runInFreshPage),
 * runCase(opener, dist, spec, timeoutMs) (a suite that drives its own page instead of the bench
 * page; resolves as runInFreshPage does), inNode (runCase needs no browser: none is started),
 * finish(rows) (figures across rows), report(rows) (text printed after the tables) and close().
 */
const SUITES = [
  trainingSuite,
  snapshotsSuite,
  jobsSuite,
  recoverySuite,
  bpeSuite,
  gptSuite,
  corpusSuite,
  shardTrainingSuite,
];

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const quick = process.env['BENCH_QUICK'] === '1';
const outPath = process.env['BENCH_OUT'] ?? fileURLToPath(new URL('results.json', import.meta.url));
const only = process.env['BENCH_SUITES']?.split(',').map((s) => s.trim());
// A stuck case (a hung GPU process) is cut off and recorded, not waited on forever.
const CASE_TIMEOUT_MS = quick ? 90_000 : 120_000;

async function runSuite(opener, pageUrl, suite) {
  const rows = [];
  const specs = suite.cases(quick);
  const timeoutMs = suite.caseTimeoutMs?.(quick) ?? CASE_TIMEOUT_MS;
  for (const [i, spec] of specs.entries()) {
    const started = Date.now();
    const result = suite.runCase
      ? await suite.runCase(opener, DIST, spec, timeoutMs)
      : await runInFreshPage(opener, pageUrl, spec, timeoutMs, suite.observe);
    const row = result.row ?? suite.failedRow(spec, result.error);
    rows.push(row);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const outcome = row.status === 'ok' ? 'ok' : `${row.status}: ${row.reason}`;
    console.log(
      `[${suite.name} ${i + 1}/${specs.length}] ${suite.label(spec)}: ${outcome} (${seconds} s)`,
    );
  }
  // A suite may derive figures across its rows (the training suite's ratios).
  return suite.finish ? suite.finish(rows) : rows;
}

async function plainBrowser() {
  const browser = await launchBrowser();
  return { browser, opener: browser, close: () => browser.close() };
}

/** A suite that runs in Node gets no browser (and no opener). */
const nodeOnly = async () => ({ browser: null, opener: null, close: async () => {} });

async function main() {
  const suites = SUITES.filter((s) => only === undefined || only.includes(s.name));
  if (suites.length === 0) throw new Error(`BENCH_SUITES="${only}" names no suite.`);
  if (suites.some((s) => !s.inNode) && !existsSync(`${DIST}/bench/index.html`)) {
    throw new Error('dist/bench/index.html is missing: run `npm run bench`, which builds first.');
  }
  const server = await serveStatic(DIST);
  try {
    const pageUrl = `${server.url}/bench/index.html`;
    const suiteRows = {};
    let machine = null;
    for (const suite of suites) {
      // A persistent profile for suites that measure storage; one browser per suite.
      const target = suite.inNode
        ? await nodeOnly()
        : suite.persistentProfile
          ? await launchProfile()
          : await plainBrowser();
      try {
        if (machine === null) {
          machine = await machineInfo(target.browser);
          const chromium = machine.chromium === null ? '' : `, Chromium ${machine.chromium}`;
          console.log(
            `bench${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores${chromium}`,
          );
        }
        suiteRows[suite.name] = await runSuite(target.opener, pageUrl, suite);
      } finally {
        await target.close();
        await suite.close?.();
      }
    }
    await writeResults(outPath, machine, quick, suiteRows);
    for (const suite of suites) {
      for (const table of suite.tables ?? [{ title: suite.name, columns: suite.columns }]) {
        const rows = table.rows ? table.rows(suiteRows[suite.name]) : suiteRows[suite.name];
        console.log(`\n${table.title}\n${formatTable(table.columns, rows)}`);
      }
      const report = suite.report?.(suiteRows[suite.name]);
      if (report) console.log(`\n${report}`);
    }
    console.log(`\nwrote ${outPath}`);
  } finally {
    await server.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
