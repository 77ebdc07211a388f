// `npm run bench:corpus`: a corpus streamed to token shards, in Node, on the app's own code
// (issue 20): tokenization MB/s (content address and shards included; in-memory files, so the
// disk is left out) with byte tokens and with BPE, and the time to gather training batches
// from the shards against the same tokens in memory. Prints a table.
//
//   CORPUS_BENCH_MB=64          corpus size (MB of permuted World English Bible)
//   CORPUS_BENCH_VOCABS=8192    BPE vocabulary sizes ('' leaves BPE out)
//   CORPUS_BENCH_BATCHES=2000   gpt-nano batches gathered from each
//
// Times are the process's CPU time (this machine is shared; see bpe-bench.mjs).
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
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
const batches = Number(env('CORPUS_BENCH_BATCHES', '2000'));
const source = gunzipSync(
  readFileSync(fileURLToPath(new URL('../tests/fixtures/text/web.txt.gz', import.meta.url))),
);
const text = new Uint8Array(bench.benchCorpus(new Uint8Array(source), size));
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
for (const { case: name, spec, config } of specs) {
  const root = new bench.MemoryCorpusRoot();
  const t = await bench.timeCorpusTokenization(text, spec, cpu, root);
  const w = await bench.timeShardWindows(
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
    [`${batches} batches, memory ms`]: +w.memoryMs.toFixed(0),
    [`${batches} batches, shards ms`]: +w.shardMs.toFixed(0),
    heapMB: +(process.memoryUsage().heapUsed / MB).toFixed(0),
  });
}
console.table(rows);
// Vite's module runner keeps handles open after runnerImport.
process.exit(0);
