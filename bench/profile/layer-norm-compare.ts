import * as tf from '@tensorflow/tfjs';
import { Prng } from '../../src/shared/prng';
import { layerNorm, layerNormComposite, profileKernels, now } from '../../workers/bench-surface';

/** One way of computing a layer norm: its kernels and median time, forward and with gradients. */
export interface LayerNormRow {
  readonly path: 'tfjs ops' | 'fused';
  readonly shape: string;
  readonly forwardKernels: number;
  readonly forwardMs: number;
  readonly trainKernels: number;
  /** Forward plus the gradients of x, gamma and beta from a given dy. */
  readonly trainMs: number;
  /** Largest difference from the tfjs ops' forward and gradients (0 for that row itself). */
  readonly maxDiff: number;
}

type Norm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

async function timed(reps: number, run: () => tf.Tensor[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const started = now();
    const outs = tf.tidy(run);
    await outs[0]!.data(); // on the CPU paths the work is done; this keeps a GPU path honest
    if (i > 0) times.push(now() - started); // the first call warms
    tf.dispose(outs);
  }
  return median(times);
}

/**
 * The transformer's layer norm (tfjs ops) against the fused kernel at `shape`, on the wasm
 * backend with the kernels installed: kernel launches and median milliseconds per call.
 */
export async function compareLayerNorm(shape: number[], reps: number): Promise<LayerNormRow[]> {
  const prng = Prng.fromSeed(19);
  const d = shape.at(-1)!;
  const random = (s: number[]) =>
    tf.tensor(
      Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => prng.nextNormal()),
      s,
    );
  const inputs = [random(shape), random([d]), random([d])];
  const dy = random(shape);
  const ways: [LayerNormRow['path'], Norm][] = [
    ['tfjs ops', layerNormComposite],
    ['fused', layerNorm],
  ];
  const rows: LayerNormRow[] = [];
  let reference: tf.Tensor[] | null = null;
  for (const [path, norm] of ways) {
    const forward = () => [norm(inputs[0]!, inputs[1]!, inputs[2]!)];
    const train = () => tf.grads((x, g, b) => norm(x!, g!, b!))(inputs, dy);
    const count = async (run: () => tf.Tensor[]) =>
      (await profileKernels('all', async () => tf.dispose(tf.tidy(run)))).kernelCalls;
    // The values too, so a run in another memory (the threaded build's shared one) is checked.
    const values = [...forward(), ...train()];
    reference ??= values;
    const diffs = values.map((t, i) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(t, reference![i]!))).dataSync()[0]!),
    );
    rows.push({
      path,
      shape: shape.join('x'),
      forwardKernels: await count(forward),
      forwardMs: await timed(reps, forward),
      trainKernels: await count(train),
      trainMs: await timed(reps, train),
      maxDiff: Math.max(...diffs),
    });
    if (values !== reference) tf.dispose(values);
  }
  tf.dispose([...inputs, dy, ...(reference ?? [])]);
  return rows;
}

export function formatLayerNormRows(rows: readonly LayerNormRow[]): string {
  const lines = rows.map(
    (r) =>
      `  ${r.path.padEnd(8)} ${r.shape.padStart(9)}  forward ${r.forwardKernels} kernels ` +
      `${r.forwardMs.toFixed(3)} ms; forward+backward ${r.trainKernels} kernels ${r.trainMs.toFixed(3)} ms; ` +
      `max diff from tfjs ops ${r.maxDiff.toExponential(1)}`,
  );
  return [
    'layer norm, tfjs ops against the fused AssemblyScript kernel (median per call):',
    ...lines,
  ].join('\n');
}
