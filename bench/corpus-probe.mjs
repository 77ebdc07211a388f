// `node bench/corpus-probe.mjs`: what a corpus's read and hashes cost in Chromium, each apart
// (bench/corpus/read-probe.ts), in wall ms per MB of text, on a page of localhost (a secure
// context, for WebCrypto) served by a route, so no port is taken.
//
//   CORPUS_PROBE_MB=64   text size;   CORPUS_PROBE_ROUNDS=3   rounds, each printed
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { chromium } from 'playwright';
import { build } from 'vite';

const mb = Number(process.env['CORPUS_PROBE_MB'] ?? '64');
const rounds = Number(process.env['CORPUS_PROBE_ROUNDS'] ?? '3');
const outDir = join(tmpdir(), `corpus-probe-${process.pid}`);
await build({
  configFile: false,
  logLevel: 'error',
  build: {
    lib: {
      entry: fileURLToPath(new URL('./corpus/read-probe.ts', import.meta.url)),
      formats: ['iife'],
      name: 'corpusProbe',
      fileName: () => 'probe.js',
    },
    outDir,
    emptyOutDir: true,
  },
});
const script = readFileSync(join(outDir, 'probe.js'), 'utf8');
rmSync(outDir, { recursive: true });
// A profile on disk: a context without one keeps OPFS in memory, and the disk is what is weighed.
const profile = mkdtempSync(join(tmpdir(), 'corpus-probe-profile-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
});
try {
  const page = await browser.newPage();
  const url = 'http://localhost/corpus-probe';
  await page.route(url, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }),
  );
  await page.goto(url);
  await page.addScriptTag({ content: script });
  const rows = [];
  for (let r = 0; r < rounds; r++) {
    rows.push(await page.evaluate((size) => globalThis.corpusProbe.probeCorpusReads(size), mb));
  }
  console.log(`ms per MB of a ${mb} MB text, Chromium, one column per round`);
  console.table(
    Object.fromEntries(Object.keys(rows[0]).map((k) => [k, rows.map((row) => row[k])])),
  );
} finally {
  await browser.close();
  rmSync(profile, { recursive: true });
}
