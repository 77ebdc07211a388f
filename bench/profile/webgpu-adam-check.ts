import * as tf from '@tensorflow/tfjs';
import { Prng } from '../../src/shared/prng';
import { adamStep, globalNorm } from '../../workers/bench-surface';
import { relDiff, type KernelCheckRow } from './rel-diff';

/**
 * Three AdamW steps (clipping to a global norm of 1, decay 0.1 on matrices) over variables of
 * odd sizes and one of gpt-nano's: TpAdam and TpGlobalNorm on WebGPU against tfjs's Adam and
 * the composite norm on the CPU backend. tfjs's Adam on the CPU rounds each operation to float32
 * as the kernel does, but WGSL's division and square root need not be correctly rounded, so
 * the two agree within a tolerance (1e-6 of the variable's scale), not bit for bit.
 */
const SHAPES = [[7], [13, 3], [96, 384], [1]];
const STEPS = 3;
export const ADAM_TOLERANCE = 1e-6;

type OnBoth = (
  f: () => Promise<Float32Array[]>,
) => Promise<{ cpu: Float32Array[]; gpu: Float32Array[] }>;

async function train(): Promise<Float32Array[]> {
  const prng = Prng.fromSeed(29);
  const draw = (shape: number[]) =>
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => prng.nextNormal());
  const variables = SHAPES.map((s, i) => tf.variable(tf.tensor(draw(s), s), true, `adamcheck${i}`));
  const opt = tf.train.adam(0.01, 0.9, 0.95, 1e-8);
  for (let step = 0; step < STEPS; step++) {
    const grads = Object.fromEntries(
      variables.map((v) => [v.name, tf.tensor(draw(v.shape), v.shape)]),
    );
    const norm = globalNorm(grads);
    adamStep(opt, grads, {
      norm,
      clip: 1,
      weightDecay: 0.1,
      decays: (v) => v.shape.length >= 2,
    });
    tf.dispose([norm, ...Object.values(grads)]);
  }
  const slots = opt as unknown as {
    accumulatedFirstMoment: { variable: tf.Variable }[];
    accumulatedSecondMoment: { variable: tf.Variable }[];
  };
  const tensors = [
    ...variables,
    ...slots.accumulatedFirstMoment.map((s) => s.variable),
    ...slots.accumulatedSecondMoment.map((s) => s.variable),
  ];
  const values = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  opt.dispose();
  tf.dispose(variables);
  return values;
}

/** One row per variable, m and v (in that order): the WebGPU step's difference from the CPU's. */
export async function checkAdam(onBoth: OnBoth): Promise<KernelCheckRow[]> {
  const { cpu, gpu } = await onBoth(train);
  return cpu.map((ref, i) => ({
    op: `adamStep ${['param', 'm', 'v'][Math.floor(i / SHAPES.length)]}`,
    shape: SHAPES[i % SHAPES.length]!,
    output: 0,
    relDiff: relDiff(gpu[i]!, ref),
    tolerance: ADAM_TOLERANCE,
  }));
}
