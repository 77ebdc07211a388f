// `npm run profile`: a per-kernel profile of one training step of the gpt-nano preset (issue
// 19), in Node on tfjs's WASM backend (SIMD, one thread, as in tests/unit) and its
// CPU backend, each on tfjs's own kernels and then on the trainer's. Prints each backend's tables; PROFILE_OUT=path also writes them to a file.
// Times are the process's CPU time unless PROFILE_CLOCK=wall (see below).
//
//   PROFILE_BACKENDS=wasm,cpu   which backends, in order (default: both)
//   PROFILE_WARMUP=3 PROFILE_TIMED=10 PROFILE_PROFILED=3   steps of each kind (CPU: 1, 2, 1)
//   PROFILE_OVERHEAD_CALLS=20000   calls of each op-overhead probe
//   PROFILE_JSON=path   also writes every backend's whole result (all rows) as JSON
//   PROFILE_TFJS=0      only the trainer's kernels (not tfjs's own first)
//   PROFILE_CPU_THREADS=1,2   the CPU backend's trainer kernels at each of these thread counts,
//                       one after the other (helpers: worker_threads; use PROFILE_CLOCK=wall,
//                       as process CPU time adds the helpers' time up)
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import { Worker } from 'node:worker_threads';
import process from 'node:process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { runnerImport } from 'vite';

const env = (name, fallback) => process.env[name] ?? fallback;
const backends = env('PROFILE_BACKENDS', 'wasm,cpu')
  .split(',')
  .map((b) => b.trim());
const names = readFileSync(
  fileURLToPath(new URL('../workers/training/names.txt', import.meta.url)),
  'utf8',
);

// Vite's module runner loads the TypeScript modules the app itself runs, as Vitest does; tfjs
// stays external to it, so this module's tf is theirs.
const { module: runner } = await runnerImport(
  fileURLToPath(new URL('./profile/index.ts', import.meta.url)),
);

// CPU time of the process, not wall time: on this shared 2-core machine a process waits for a
// core for most of its wall time when others build and test (PROFILE_CLOCK=wall for wall time).
if (env('PROFILE_CLOCK', 'cpu') === 'cpu') {
  runner.useClock(() => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }, 'process CPU time');
}

const options = (backend) => {
  // The CPU backend takes seconds a step at this shape: fewer steps there.
  const slow = backend === 'cpu';
  return {
    text: names,
    warmupSteps: Number(env('PROFILE_WARMUP', slow ? 1 : 3)),
    timedSteps: Number(env('PROFILE_TIMED', slow ? 2 : 10)),
    profiledSteps: Number(env('PROFILE_PROFILED', slow ? 1 : 3)),
    overheadCalls: Number(env('PROFILE_OVERHEAD_CALLS', 20000)),
  };
};

/**
 * A pool helper as in the app (cpu-pool-helper.ts), on a worker_threads thread that loads
 * it through Vite's module runner; resolves once it listens.
 */
async function startPoolHelper() {
  const path = fileURLToPath(
    new URL('../workers/training/kernels/cpu/cpu-pool-helper.ts', import.meta.url),
  );
  const source = `const { parentPort } = require('node:worker_threads');
import('vite').then(async ({ runnerImport }) => {
  const { module } = await runnerImport(${JSON.stringify(path)});
  module.serveProducts((onMessage) => parentPort.on('message', onMessage));
  parentPort.postMessage('ready');
});`;
  const worker = new Worker(source, { eval: true });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { postMessage: (m) => worker.postMessage(m), terminate: () => void worker.terminate() };
}

const reports = [];
const results = [];
for (const backend of backends) {
  if (!(await tf.setBackend(backend))) throw new Error(`The ${backend} backend did not start.`);
  await tf.ready();
  // PROFILE_TFJS=0 skips the step on tfjs's own kernels (a quicker run of ours alone).
  const baseline = env('PROFILE_TFJS', '1') !== '0';
  const result = baseline ? await runner.profileGptNano(options(backend)) : null;
  if (result !== null) results.push(result);
  let text = result === null ? '' : runner.formatBackendProfile(result);
  if (backend === 'wasm') {
    // The trainer's kernels (what the app installs on wasm), from the committed modules (the app
    // fetches them by URL); the step above ran on tfjs-wasm's own kernels, in this process.
    await runner.installWasmKernels(async (shared) => {
      const name = shared ? 'kernels-shared.wasm' : 'kernels.wasm';
      const file = await readFile(
        new URL(`../workers/training/kernels/wasm/${name}`, import.meta.url),
      );
      return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    });
    const after = await runner.profileGptNano(options(backend));
    results.push({ ...after, kernels: 'trainer kernels (installWasmKernels)' });
    text += `\n\nwith the trainer's kernels (installWasmKernels: Tp kernels, matmul flags through XNNPACK, Identity by reference):\n`;
    text += runner.formatBackendProfile(after);
    const { batch, context, embed } = runner.GPT_NANO;
    const rows = await runner.compareLayerNorm(
      [batch, context, embed],
      Number(env('PROFILE_LN_REPS', 50)),
    );
    text += `\n\n${runner.formatLayerNormRows(rows)}`;
    runner.removeWasmKernels();
    text += `\n\n${runner.formatMatMulRows(runner.compareMatMuls(Number(env('PROFILE_MM_REPS', 20))))}`;
  }
  if (backend === 'cpu') {
    // The trainer's JavaScript kernels, which the app installs on 'cpu'.
    runner.installCpuKernels();
    for (const threads of env('PROFILE_CPU_THREADS', '1').split(',').map(Number)) {
      const helpers = await Promise.all(Array.from({ length: threads - 1 }, startPoolHelper));
      if (threads > 1) runner.useCpuPool(new runner.CpuPool(helpers));
      const after = await runner.profileGptNano(options(backend));
      const kernels = `trainer kernels (installCpuKernels), products on ${threads} thread(s)`;
      results.push({ ...after, kernels, threads });
      text += `\n\nwith the trainer's kernels (Tp kernels in TypeScript), products on ${threads} thread(s):\n`;
      text += runner.formatBackendProfile(after);
      runner.useCpuPool(null);
    }
    runner.removeCpuKernels();
  }
  console.log(`${text}\n`);
  reports.push(text);
}
const out = process.env['PROFILE_OUT'];
if (out !== undefined) writeFileSync(out, `${reports.join('\n\n')}\n`);
const json = process.env['PROFILE_JSON'];
if (json !== undefined) writeFileSync(json, `${JSON.stringify(results, null, 1)}\n`);
// Vite's module runner (and tfjs-wasm's worker pool) keep handles open after the last profile,
// so the process would wait for ever: everything is written, end it.
process.exit(0);
