// `npm run bench`: builds (in the npm script), serves dist/, and runs every suite's cases in
// headless Chromium, one fresh page per case; prints a table per suite and writes
// bench/results.json. Not a test: nothing here asserts on time.
//
//   BENCH_QUICK=1        small sizes and a few steps, a smoke run of a minute or two
//   BENCH_SUITES=a,b     run only these suites; the file keeps the others' rows
//   BENCH_OUT=path       write elsewhere than bench/results.json
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import process from 'node:process';
import { launchBrowser, runInFreshPage } from './runner/browser-case.mjs';
import { machineInfo, writeResults } from './runner/results-file.mjs';
import { serveStatic } from './runner/static-server.mjs';
import { formatTable } from './runner/table.mjs';
import { trainingSuite } from './runner/training-suite.mjs';

/** Every suite: { name, cases(quick), failedRow(spec, reason), label(spec), columns }. */
const SUITES = [trainingSuite];

const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const quick = process.env['BENCH_QUICK'] === '1';
const outPath = process.env['BENCH_OUT'] ?? fileURLToPath(new URL('results.json', import.meta.url));
const only = process.env['BENCH_SUITES']?.split(',').map((s) => s.trim());
// A stuck case (a hung GPU process) is cut off and recorded, not waited on forever.
const CASE_TIMEOUT_MS = quick ? 90_000 : 120_000;

async function runSuite(browser, pageUrl, suite) {
  const rows = [];
  const specs = suite.cases(quick);
  for (const [i, spec] of specs.entries()) {
    const started = Date.now();
    const result = await runInFreshPage(browser, pageUrl, spec, CASE_TIMEOUT_MS);
    const row = result.row ?? suite.failedRow(spec, result.error);
    rows.push(row);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const outcome = row.status === 'ok' ? 'ok' : `${row.status}: ${row.reason}`;
    console.log(
      `[${suite.name} ${i + 1}/${specs.length}] ${suite.label(spec)}: ${outcome} (${seconds} s)`,
    );
  }
  return rows;
}

async function main() {
  if (!existsSync(`${DIST}/bench/index.html`)) {
    throw new Error('dist/bench/index.html is missing: run `npm run bench`, which builds first.');
  }
  const suites = SUITES.filter((s) => only === undefined || only.includes(s.name));
  if (suites.length === 0) throw new Error(`BENCH_SUITES="${only}" names no suite.`);
  const server = await serveStatic(DIST);
  const browser = await launchBrowser();
  try {
    const pageUrl = `${server.url}/bench/index.html`;
    const machine = await machineInfo(browser);
    console.log(
      `bench${quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Chromium ${machine.chromium}`,
    );
    const suiteRows = {};
    for (const suite of suites) suiteRows[suite.name] = await runSuite(browser, pageUrl, suite);
    await writeResults(outPath, machine, quick, suiteRows);
    for (const suite of suites) {
      console.log(`\n${suite.name}\n${formatTable(suite.columns, suiteRows[suite.name])}`);
    }
    console.log(`\nwrote ${outPath}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
