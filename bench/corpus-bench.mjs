// `npm run bench:corpus`: a corpus streamed to token shards, in Node, on the app's own code
// (issue 20): tokenization MB/s (content address and shards included; in-memory files, so the
// disk is left out) with byte tokens and with BPE, and the time to gather training batches
// from the shards against the same tokens in memory. Prints a table. Then each case again into
// a fresh root, killed once half the text is read and a shard committed, and opened again as a
// reload does: the resumed manifest (shards, tokens, documents, every shard's SHA-256) must
// equal the uninterrupted one, or the bench exits 1.
//
//   CORPUS_BENCH_MB=64          corpus size (MB of permuted World English Bible)
//                               (at least 17 with byte tokens: the kill needs a shard of
//                               8 Mi tokens committed before half the text is read)
//   CORPUS_BENCH_VOCABS=8192    BPE vocabulary sizes ('' leaves BPE out)
//   CORPUS_BENCH_BATCHES=2000   gpt-nano batches gathered from each
//   CORPUS_BENCH_LARGE=1        as a user's File of any size: the text written to a temporary
//                               file and read back through fs.openAsBlob (streamed in 64 KiB
//                               pieces), the shards kept as sizes only, no batches; for 256 MB
//                               to 1 GB and more
//
// Times are the process's CPU time (this machine is shared; see bpe-bench.mjs). peak MB is the
// most V8 heap plus ArrayBuffers seen at any chunk while tokenizing.
import { mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Blob } from 'node:buffer';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { runnerImport } from 'vite';

const { module: bench } = await runnerImport(
  fileURLToPath(new URL('./corpus/index.ts', import.meta.url)),
);
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const env = (name, fallback) => process.env[name] ?? fallback;
const MB = 1e6;
const size = Number(env('CORPUS_BENCH_MB', '64')) * MB;
const vocabs = env('CORPUS_BENCH_VOCABS', '8192')
  .split(',')
  .filter((v) => v.trim() !== '')
  .map(Number);
const large = env('CORPUS_BENCH_LARGE', '') === '1';
const batches = large ? 0 : Number(env('CORPUS_BENCH_BATCHES', '2000'));
const source = gunzipSync(
  readFileSync(fileURLToPath(new URL('../tests/fixtures/text/web.txt.gz', import.meta.url))),
);
let text = new Uint8Array(bench.benchCorpus(new Uint8Array(source), size));
let input = text;
const folder = large ? mkdtempSync(join(tmpdir(), 'corpus-bench-')) : null;
if (folder !== null) {
  writeFileSync(join(folder, 'corpus.txt'), text);
  input = await openAsBlob(join(folder, 'corpus.txt'));
}
const memory = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};
const nano = bench.presetConfig('gpt-nano');
const specs = [{ case: 'byte tokens', spec: { tokens: 'byte', separator: 'blank', bpe: null } }];
for (const vocabSize of vocabs) {
  const { model } = bench.timeBpeTraining(text, vocabSize, cpu);
  specs.push({
    case: `BPE vocab ${vocabSize}`,
    spec: { tokens: 'bpe', separator: 'blank', bpe: model },
    config: { ...nano, tokens: 'bpe', vocabSize, separator: 'blank' },
  });
}
const rows = [];
// Each case is also tokenized into a fresh root, killed half-way and resumed (kill-resume.ts);
// a resume that did not go on from its last shard, or whose manifest differs, fails the bench.
const killRows = [];
const failures = [];
// The text in memory is only needed again for the batches.
if (large) text = null;
// The generated text (1 GB and its copy) is garbage now, but V8 collects it when it likes: one
// run saw the peak at 1082 MB, the others 112. Collect it first, so the peak is the tokenizer's.
// Each case's too: the case before it leaves its roots and its killed run's work behind.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
for (const { case: name, spec, config } of specs) {
  gc();
  const root = large ? new bench.SizesOnlyCorpusRoot() : new bench.MemoryCorpusRoot();
  const t = await bench.timeCorpusTokenization(input, spec, cpu, root, memory);
  const w = large
    ? { memoryMs: NaN, shardMs: NaN }
    : await bench.timeShardWindows(
        root,
        t.manifest,
        text,
        spec,
        config ?? { ...nano, separator: 'blank' },
        batches,
        cpu,
      );
  rows.push({
    case: name,
    MB: +(t.bytes / MB).toFixed(1),
    tokens: t.tokens,
    shards: t.shards,
    s: +(t.ms / 1000).toFixed(2),
    'MB/s': +t.mbPerS.toFixed(1),
    'hash s': +(t.hashMs / 1000).toFixed(2),
    [`${batches} batches, memory ms`]: +w.memoryMs.toFixed(0),
    [`${batches} batches, shards ms`]: +w.shardMs.toFixed(0),
    'peak MB': +(t.peakHeapBytes / MB).toFixed(0),
  });
  const fresh = large ? new bench.SizesOnlyCorpusRoot() : new bench.MemoryCorpusRoot();
  const blob = input instanceof Blob ? input : new Blob([input]);
  const k = await bench.killAndResume('bench.txt', blob, spec, fresh, t.manifest, cpu);
  const wentOn = k.startedAt > 0 && k.resumedFromShard === k.committedShards;
  const identical = k.differences.length === 0;
  if (!wentOn || !identical) failures.push({ case: name, ...k });
  const percent = (bytes) => `${((100 * bytes) / k.bytes).toFixed(1)} %`;
  killRows.push({
    case: name,
    'killed at': percent(k.killedAtBytes),
    'resumed from': percent(k.startedAt),
    'from shard': `${k.resumedFromShard} of ${t.shards}`,
    'went on': wentOn ? 'yes' : 'no',
    'shards identical': identical ? 'yes' : 'no',
    'killed s': +(k.killedMs / 1000).toFixed(2),
    'resumed s': +(k.resumedMs / 1000).toFixed(2),
  });
}
console.table(rows);
console.log(
  'Killed half-way (a torn shard write that never returns), then opened as a reload does:',
);
console.table(killRows);
for (const f of failures) console.error('kill/resume failed:', f);
if (folder !== null) rmSync(folder, { recursive: true });
// Vite's module runner keeps handles open after runnerImport.
process.exit(failures.length === 0 ? 0 : 1);
