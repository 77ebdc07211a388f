import * as tf from '@tensorflow/tfjs';
import { Prng } from '../../src/shared/prng';
import { now } from '../../workers/bench-surface';

/** A matmul of the step as tfjs runs it, against the same product with explicit transposes. */
export interface MatMulRow {
  /** `a [shape] (T) · b [shape] (T)`, as the profile shows it. */
  readonly product: string;
  readonly gflop: number;
  /** tf.matMul with the transpose flags: tfjs-wasm's scalar loop for any flag or batch. */
  readonly flagsMs: number;
  /** tf.transpose of the flagged operands, then an unflagged 2-D matMul: XNNPACK. */
  readonly explicitMs: number;
  /** Largest difference between the two results. */
  readonly maxDiff: number;
}

/** gpt-nano's 2-D products whose backward passes transpose an operand: [m, k, n, tA, tB]. */
export const GPT_NANO_GRAD_PRODUCTS: readonly [number, number, number, boolean, boolean][] = [
  [1024, 384, 96, false, true], // dX of the fc layer: dY · Wᵀ
  [96, 1024, 384, true, false], // dW of the fc layer: Xᵀ · dY
  [1024, 288, 96, false, true], // dX of qkv
  [96, 1024, 288, true, false], // dW of qkv
  [96, 1024, 256, true, false], // dW of the head
];

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

function time(reps: number, run: () => tf.Tensor): number {
  const times: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const started = now();
    const out = tf.tidy(run);
    out.dataSync();
    if (i > 0) times.push(now() - started);
    out.dispose();
  }
  return median(times);
}

/** Times each product both ways on the current backend (medians of `reps` calls). */
export function compareMatMuls(reps: number): MatMulRow[] {
  const prng = Prng.fromSeed(1919);
  const random = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape[0]! * shape[1]! }, () => prng.nextNormal()),
      shape,
    );
  return GPT_NANO_GRAD_PRODUCTS.map(([m, k, n, ta, tb]) => {
    const a = random(ta ? [k, m] : [m, k]);
    const b = random(tb ? [n, k] : [k, n]);
    const flagged = () => tf.matMul(a, b, ta, tb);
    const explicit = () => tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(flagged(), explicit()))).dataSync()[0]!);
    const row: MatMulRow = {
      product: `[${a.shape.join('x')}]${ta ? 'ᵀ' : ''} · [${b.shape.join('x')}]${tb ? 'ᵀ' : ''}`,
      gflop: (2 * m * k * n) / 1e9,
      flagsMs: time(reps, flagged),
      explicitMs: time(reps, explicit),
      maxDiff: diff,
    };
    tf.dispose([a, b]);
    return row;
  });
}

export function formatMatMulRows(rows: readonly MatMulRow[]): string {
  return [
    'transposed matmuls: transpose flags (tfjs-wasm loop) against explicit transposes + XNNPACK:',
    ...rows.map(
      (r) =>
        `  ${r.product.padEnd(22)} flags ${r.flagsMs.toFixed(2).padStart(7)} ms ` +
        `(${((1000 * r.gflop) / r.flagsMs).toFixed(1)} GFLOPS), explicit ${r.explicitMs.toFixed(2).padStart(6)} ms ` +
        `(${((1000 * r.gflop) / r.explicitMs).toFixed(1)} GFLOPS), max diff ${r.maxDiff.toExponential(1)}`,
    ),
  ].join('\n');
}
