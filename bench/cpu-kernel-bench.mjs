// `node bench/cpu-kernel-bench.mjs`: each of the CPU backend's kernels (kernels/cpu/) called
// alone at gpt-nano's shapes in Node, the medians of its calls in process CPU time: a quick loop
// for tuning one kernel (`npm run profile` gives a whole step, op by op). Not a test.
//
//   CPU_BENCH_REPS=9      timed calls of each kernel (after two warm-up calls)
//   CPU_BENCH_ONLY=Gelu   only the kernels whose label contains this text
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { runnerImport } from 'vite';

const reps = Number(process.env['CPU_BENCH_REPS'] ?? 9);
const only = process.env['CPU_BENCH_ONLY'];
const load = async (path) =>
  (await runnerImport(fileURLToPath(new URL(path, import.meta.url)))).module;
const { installCpuKernels } = await load('../workers/training/kernels/cpu/install-cpu-kernels.ts');
const { TP } = await load('../workers/training/ops/kernel-names.ts');
await tf.setBackend('cpu');
installCpuKernels();

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// Values from a fixed linear congruential sequence: the same inputs on every run.
let seed = 1;
function tensor(shape, scale = 1) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    values[i] = (seed / 2147483648 - 0.5) * scale;
  }
  return tf.tensor(values, shape);
}

const [B, T, E, W, V] = [16, 64, 96, 384, 256];
const x = tensor([B, T, E]);
const hidden = tensor([B, T, W]);
const qkv = tensor([B, T, 3 * E], 4);
const logits = tensor([B, T, V], 4);
const targets = tf.tensor(
  Int32Array.from({ length: B * T }, (_, i) => (i * 37) % V),
  [B, T],
  'int32',
);
const weights = tf.ones([B * T]);
const [kEW, kWE, kE3, head] = [
  [E, W],
  [W, E],
  [E, 3 * E],
  [V, E],
].map((s) => tensor(s, 0.1));
const [bW, bE, b3] = [[W], [E], [3 * E]].map((s) => tensor(s));
const run = (name, inputs, attrs = {}) => tf.engine().runKernel(name, inputs, attrs);
const dense = (xs, kernel, bias, transposeKernel = false) => {
  const inputs = bias === null ? { x: xs, kernel } : { x: xs, kernel, bias };
  return [inputs, { transposeKernel, hasBias: bias !== null }];
};
const attention = { heads: 3, scale: 1 / Math.sqrt(E / 3) };
const [, probs] = run(TP.causalAttention, { qkv }, attention);
const [, mean, rstd] = run(TP.layerNorm, { x, gamma: bE, beta: bE }, { epsilon: 1e-5 });
const [, lse] = run(TP.softmaxCrossEntropy, { logits, targets, weights });

const CASES = {
  'TpDense 96→384': () => run(TP.dense, ...dense(x, kEW, bW)),
  'TpDense 384→96': () => run(TP.dense, ...dense(hidden, kWE, bE)),
  'TpDense 96→288': () => run(TP.dense, ...dense(x, kE3, b3)),
  'TpDense head 96→256ᵀ': () => run(TP.dense, ...dense(x, head, null, true)),
  'TpDenseGrad 96→384': () =>
    run(TP.denseGrad, { dy: hidden, ...dense(x, kEW, bW)[0] }, dense(x, kEW, bW)[1]),
  'TpDenseGrad 384→96': () =>
    run(TP.denseGrad, { dy: x, ...dense(hidden, kWE, bE)[0] }, dense(hidden, kWE, bE)[1]),
  'TpDenseGrad head ᵀ': () =>
    run(TP.denseGrad, { dy: logits, x, kernel: head }, dense(x, head, null, true)[1]),
  TpGelu: () => run(TP.gelu, { x: hidden }),
  TpGeluGrad: () => run(TP.geluGrad, { dy: hidden, x: hidden }),
  TpCausalAttention: () => run(TP.causalAttention, { qkv }, attention),
  TpCausalAttentionGrad: () => run(TP.causalAttentionGrad, { dy: x, qkv, probs }, attention),
  TpLayerNorm: () => run(TP.layerNorm, { x, gamma: bE, beta: bE }, { epsilon: 1e-5 }),
  TpLayerNormGrad: () => run(TP.layerNormGrad, { dy: x, x, gamma: bE, mean, rstd }),
  TpSoftmaxCrossEntropy: () => run(TP.softmaxCrossEntropy, { logits, targets, weights }),
  TpSoftmaxCrossEntropyGrad: () =>
    run(TP.softmaxCrossEntropyGrad, { dloss: tf.scalar(1), logits, targets, weights, lse }),
  'Add 16×64×96': () => run('Add', { a: x, b: x }),
};

console.log(`cpu kernels at gpt-nano's shapes, median of ${reps} calls, process CPU time`);
for (const [label, call] of Object.entries(CASES)) {
  if (only !== undefined && !label.includes(only)) continue;
  for (let i = 0; i < 2; i++) tf.dispose(call());
  const times = [];
  for (let i = 0; i < reps; i++) {
    const start = cpuMs();
    tf.dispose(call());
    times.push(cpuMs() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(28)} ${times[times.length >> 1].toFixed(2).padStart(8)} ms`);
}
