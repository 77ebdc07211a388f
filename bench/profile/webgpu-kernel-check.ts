import * as tf from '@tensorflow/tfjs';
import { Prng } from '../../src/shared/prng';
import {
  causalSelfAttention,
  embedTokens,
  gelu,
  globalNorm,
  hasKernel,
  layerNorm,
  softmaxCrossEntropy,
  TP,
} from '../../workers/bench-surface';
import { relDiff, type KernelCheckRow } from './rel-diff';
import { checkAdam } from './webgpu-adam-check';

// Each WebGPU kernel of the trainer against the same op's composite on tfjs's CPU backend,
// forward and gradients (of Σ out·w for a random w), at odd sizes and at gpt-nano's, with the
// tolerance docs/KERNELS.md states for the op (rel-diff.ts). Runs in a worker where both
// backends have started.

/** Host values to build the same tensors on each backend. */
type Host = { values: Float32Array | Int32Array; shape: number[] };

function normal(shape: number[], prng: Prng, scale = 1): Host {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Float32Array.from({ length: size }, () => scale * prng.nextNormal()), shape };
}

function ids(shape: number[], n: number, prng: Prng): Host {
  const size = shape.reduce((a, b) => a * b, 1);
  return { values: Int32Array.from({ length: size }, () => prng.nextInt(n)), shape };
}

const tensorOf = (h: Host) =>
  tf.tensor(h.values, h.shape, h.values instanceof Int32Array ? 'int32' : 'float32');

interface Case {
  readonly op: string;
  readonly shape: readonly number[];
  readonly tolerance: readonly number[] | number;
  readonly inputs: readonly Host[];
  /** The forward and its gradients, from tensors made of `inputs` on the backend running now. */
  readonly run: (xs: tf.Tensor[]) => tf.Tensor[];
}

/** Forward and gradients of f with respect to xs[0..k), through Σ f(...)·w, w = xs[k]. */
function withGrads(k: number, f: (...xs: tf.Tensor[]) => tf.Tensor) {
  return (xs: tf.Tensor[]) => {
    const [args, w, rest] = [xs.slice(0, k), xs[k]!, xs.slice(k + 1)];
    return [f(...args, ...rest), ...tf.grads((...a) => tf.sum(tf.mul(f(...a, ...rest), w)))(args)];
  };
}

const seedOf = (shape: readonly number[]) => shape.reduce((a, b) => a * 131 + b, 19);

function cases(): Case[] {
  const out: Case[] = [];
  for (const shape of [
    [3, 5, 7],
    [2, 1, 9],
    [16, 64, 96],
  ]) {
    const p = Prng.fromSeed(seedOf(shape));
    const d = shape.at(-1)!;
    out.push({
      op: 'layerNorm',
      shape,
      tolerance: [2e-5, 1e-4, 1e-4, 1e-4],
      inputs: [normal(shape, p, 2), normal([d], p), normal([d], p), normal(shape, p)],
      run: withGrads(3, (x, g, b) => layerNorm(x!, g!, b!)),
    });
  }
  for (const shape of [
    [7, 5],
    [16, 64, 384],
  ]) {
    const p = Prng.fromSeed(seedOf(shape));
    out.push({
      op: 'gelu',
      shape,
      tolerance: 2e-6,
      inputs: [normal(shape, p, 3), normal(shape, p)],
      run: withGrads(1, (x) => gelu(x!)),
    });
  }
  // [batch, t, heads, head size]
  for (const shape of [
    [1, 1, 1, 1],
    [2, 5, 3, 3],
    [3, 7, 2, 5],
    [16, 64, 3, 32],
  ]) {
    const [batch, t, heads, hd] = shape as [number, number, number, number];
    const p = Prng.fromSeed(seedOf(shape));
    out.push({
      op: 'causalSelfAttention',
      shape,
      tolerance: 2e-5,
      inputs: [normal([batch, t, 3 * heads * hd], p), normal([batch, t, heads * hd], p)],
      run: withGrads(1, (x) => causalSelfAttention(x!, heads)),
    });
  }
  // [rows, vocab]; the mask drops every third row.
  for (const [shape, masked] of [
    [[3, 5], false],
    [[33, 27], true],
    [[1024, 256], false],
  ] as const) {
    const [rows, vocab] = shape;
    const p = Prng.fromSeed(seedOf(shape));
    const mask = Float32Array.from({ length: rows }, (_, i) => (i % 3 === 1 ? 0 : 1));
    out.push({
      op: `softmaxCrossEntropy${masked ? ' (masked)' : ''}`,
      shape,
      tolerance: 2e-6,
      inputs: [normal([rows, vocab], p, 3), ids([rows], vocab, p), { values: mask, shape: [rows] }],
      run: ([logits, targets, weights]) => {
        const f = (x: tf.Tensor) => softmaxCrossEntropy(x, targets!, masked ? weights! : null);
        return [f(logits!), tf.grad(f)(logits!)];
      },
    });
  }
  // [batch, t, vocab, d]
  for (const shape of [
    [3, 5, 7, 3],
    [16, 64, 256, 96],
  ]) {
    const [batch, t, vocab, d] = shape as [number, number, number, number];
    const p = Prng.fromSeed(seedOf(shape));
    out.push({
      op: 'embedTokens',
      shape,
      tolerance: 1e-6,
      inputs: [
        normal([vocab, d], p),
        normal([t, d], p),
        normal([batch, t, d], p),
        ids([batch, t], vocab, p),
      ],
      run: withGrads(2, (table, positions, tokens) =>
        embedTokens(tokens!, table as tf.Tensor2D, positions as tf.Tensor2D),
      ),
    });
  }
  const norms = [[7], [13, 3], [96, 384], [5], [1], [3, 3], [9], [11, 2], [96]];
  const p = Prng.fromSeed(23);
  out.push({
    op: 'globalNorm',
    shape: [norms.length],
    tolerance: 1e-5,
    inputs: norms.map((s) => normal(s, p)),
    run: (xs) => [globalNorm(Object.fromEntries(xs.map((x, i) => [`g${i}`, x])))],
  });
  return out;
}

async function runOn(backend: 'cpu' | 'webgpu', c: Case): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = c.inputs.map(tensorOf);
  const outs = tf.tidy(() => c.run(xs));
  const values = await Promise.all(outs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([...xs, ...outs]);
  return values;
}

/** Every case on both backends; also whether WebGPU had every WGSL kernel registered. */
export async function checkWebGpuKernels(): Promise<{
  registered: Record<string, boolean>;
  rows: KernelCheckRow[];
}> {
  await tf.setBackend('webgpu');
  const registered = Object.fromEntries(Object.values(TP).map((n) => [n, hasKernel(n)]));
  const rows: KernelCheckRow[] = [];
  for (const c of cases()) {
    const cpu = await runOn('cpu', c);
    const gpu = await runOn('webgpu', c);
    cpu.forEach((ref, i) => {
      const tolerance = typeof c.tolerance === 'number' ? c.tolerance : c.tolerance[i]!;
      rows.push({ op: c.op, shape: c.shape, output: i, relDiff: relDiff(gpu[i]!, ref), tolerance });
    });
  }
  rows.push(...(await checkAdam(runOnBoth)));
  return { registered, rows };
}

/** `f` on the CPU backend, then on WebGPU: the arrays it returns from each. */
async function runOnBoth(
  f: () => Promise<Float32Array[]>,
): Promise<{ cpu: Float32Array[]; gpu: Float32Array[] }> {
  await tf.setBackend('cpu');
  const cpu = await f();
  await tf.setBackend('webgpu');
  return { cpu, gpu: await f() };
}
