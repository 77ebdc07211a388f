// `npm run bench:bpe`: byte-level BPE in Node, on the app's own code (issue 20's targets): BPE
// training time on up to 100 MB, encoding MB/s by vocabulary size on one thread and on two
// worker threads, and byte tokens' MB/s. Prints a table; BPE_BENCH_JSON=path also writes it.
//
//   BPE_BENCH_MB=100            corpus size (MB of permuted World English Bible, bench-corpus.ts)
//   BPE_BENCH_VOCABS=512,8192,32768   vocabulary sizes
//   BPE_BENCH_ENCODE_MB=32      how much of the corpus each encoding measurement encodes
//   BPE_BENCH_CLOCK=cpu|wall    one-thread times: the process's CPU time (default) or wall time
//   BPE_BENCH_BYTES=0           leave out the byte-token row (BPE_BENCH_VOCABS= leaves out BPE)
//
// On this shared 2-core machine a process waits for a core for most of its wall time when
// others build and test; CPU time is not inflated by that wait. Two threads can only be timed
// by the wall clock: that row is printed with the one-thread wall time of the same run beside it.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { runnerImport } from 'vite';

const { module: bpe } = await runnerImport(
  fileURLToPath(new URL('./bpe/index.ts', import.meta.url)),
);
const wall = () => performance.now();
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

if (!isMainThread) {
  // An encoding thread: builds the model from its merges, encodes its part, says how long.
  parentPort.on('message', ({ merges, text, from, to }) => {
    const model = bpe.BpeModel.fromMerges(merges);
    const result = bpe.timeBpeEncoding(model, new Uint8Array(text).subarray(from, to), wall);
    parentPort.postMessage(result);
  });
  parentPort.postMessage('ready');
} else {
  await main();
}

async function main() {
  const env = (name, fallback) => process.env[name] ?? fallback;
  const MB = 1e6;
  const size = Number(env('BPE_BENCH_MB', '100')) * MB;
  const vocabs = env('BPE_BENCH_VOCABS', '512,8192,32768')
    .split(',')
    .filter((v) => v.trim() !== '')
    .map(Number);
  const encodeBytes = Math.min(size, Number(env('BPE_BENCH_ENCODE_MB', '32')) * MB);
  const clockName = env('BPE_BENCH_CLOCK', 'cpu');
  const clock = clockName === 'wall' ? wall : cpu;
  const source = gunzipSync(
    readFileSync(fileURLToPath(new URL('../tests/fixtures/text/web.txt.gz', import.meta.url))),
  );
  // In shared memory, so the encoding threads read it without a copy.
  const shared = new SharedArrayBuffer(size);
  const text = new Uint8Array(shared);
  text.set(bpe.benchCorpus(new Uint8Array(source), size));
  const rows = [];
  if (env('BPE_BENCH_BYTES', '1') === '1') {
    const bytes = bpe.timeByteTokens(text, clock);
    rows.push({ case: 'byte tokens', ...encoding(bytes) });
  }
  const workers = vocabs.length > 0 ? await Promise.all([startWorker(), startWorker()]) : [];
  for (const vocabSize of vocabs) {
    const trained = bpe.timeBpeTraining(text, vocabSize, clock);
    const heapAfterMB = +(process.memoryUsage().heapUsed / MB).toFixed(0);
    const part = text.subarray(0, encodeBytes);
    const one = bpe.timeBpeEncoding(trained.model, part, clock);
    const oneWall = bpe.timeBpeEncoding(trained.model, part, wall);
    const two = await encodeInTwo(workers, trained.model, shared, encodeBytes);
    rows.push({
      case: `BPE vocab ${vocabSize}`,
      sampleMB: +(trained.sampleBytes / MB).toFixed(1),
      words: trained.words,
      countS: +(trained.countMs / 1000).toFixed(2),
      mergeS: +(trained.mergeMs / 1000).toFixed(2),
      trainS: +((trained.countMs + trained.mergeMs) / 1000).toFixed(2),
      heapAfterMB,
      ...encoding(one),
      'MB/s wall': +oneWall.mbPerS.toFixed(1),
      'MB/s 2 threads wall': +two.mbPerS.toFixed(1),
      'MB/s 2 threads encoding': +two.encodeOnlyMbPerS.toFixed(1),
    });
  }
  await Promise.all(workers.map((w) => w.terminate()));
  console.table(rows);
  const out = env('BPE_BENCH_JSON', '');
  if (out)
    writeFileSync(out, `${JSON.stringify({ sizeMB: size / MB, clockName, rows }, null, 2)}\n`);
  // Vite's module runner keeps handles open after runnerImport: without this the process
  // would print its table and never exit.
  process.exit(0);

  function encoding(t) {
    return {
      MB: +(t.bytes / MB).toFixed(1),
      tokens: t.tokens,
      s: +(t.ms / 1000).toFixed(2),
      'MB/s': +t.mbPerS.toFixed(1),
    };
  }
}

function startWorker() {
  const worker = new Worker(new URL(import.meta.url));
  return new Promise((resolve) => worker.once('message', () => resolve(worker)));
}

/** Both threads encode half of the first `bytes`, cut where a pre-token surely starts. */
async function encodeInTwo(workers, model, shared, bytes) {
  const text = new Uint8Array(shared, 0, bytes);
  const cut = bpe.lastSafeCut(text, 1, bytes >> 1);
  const merges = Array.from(model.merges);
  const start = performance.now();
  const results = await Promise.all(
    [
      [0, cut],
      [cut, bytes],
    ].map(
      ([from, to], i) =>
        new Promise((resolve) => {
          workers[i].once('message', resolve);
          workers[i].postMessage({ merges, text: shared, from, to });
        }),
    ),
  );
  const ms = performance.now() - start;
  const tokens = results.reduce((n, r) => n + r.tokens, 0);
  // The slower thread's own encoding time: the wall time less posting, building the model from
  // its merges in each thread, and waiting to be scheduled before starting.
  const encodeMs = Math.max(...results.map((r) => r.ms));
  return {
    bytes,
    tokens,
    ms,
    mbPerS: bytes / 1e6 / (ms / 1000),
    encodeOnlyMbPerS: bytes / 1e6 / (encodeMs / 1000),
  };
}
