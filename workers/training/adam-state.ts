import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import type { OptimizerInfo } from '../../src/shared/snapshot';
import type { NamedVariable } from './models';

/** Adam's epsilon on every backend and model (the betas are the run's config). */
export const ADAM_EPSILON = 1e-7;

/** The config's keys that shape the optimizer. */
export type OptimizerSettings = Pick<RunConfig, 'beta1' | 'beta2' | 'weightDecay'>;

/** The parts of tfjs's AdamOptimizer that a bitwise resume needs and its API does not expose. */
interface AdamInternals {
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function internals(opt: tf.AdamOptimizer): AdamInternals {
  return opt as unknown as AdamInternals;
}

// epsilon is fixed rather than left to the backend's default, which differs between backends
// and would change the trajectory when a run moves from WebGPU to CPU. AdamW's decay is applied
// beside this optimizer (adamw.ts); its state is Adam's.
export function createAdam(learningRate: number, settings: OptimizerSettings): tf.AdamOptimizer {
  return tf.train.adam(learningRate, settings.beta1, settings.beta2, ADAM_EPSILON);
}

/**
 * tfjs's Adam reads its learning rate from this field at every applyGradients (it makes a scalar
 * of it each time), so setting it before a step is how a schedule drives it.
 */
export function setLearningRate(opt: tf.AdamOptimizer, learningRate: number): void {
  (opt as unknown as { learningRate: number }).learningRate = learningRate;
}

/**
 * The optimizer as a snapshot and a checkpoint describe it: `Adam`, or `AdamW` with its weight
 * decay when the run decays (a run without decay is described exactly as before AdamW existed).
 */
export function adamInfo(
  opt: tf.AdamOptimizer,
  learningRate: number,
  settings: OptimizerSettings,
): OptimizerInfo {
  const { beta1, beta2, weightDecay } = settings;
  const base = { learningRate, beta1, beta2, epsilon: ADAM_EPSILON };
  return weightDecay > 0
    ? { className: 'AdamW', config: { ...base, weightDecay }, iterations: opt.iterations }
    : { className: 'Adam', config: base, iterations: opt.iterations };
}

export interface AdamTensors {
  /** [name, tensor] in checkpoint order; the tensors are new references the caller disposes. */
  readonly entries: [string, tf.Tensor][];
}

/**
 * Adam's state by name in the optimizer's own order (slot i belongs to the i-th variable it
 * was given). The beta powers are saved too: tfjs's setWeights recomputes them with pow(),
 * which differs in the last bits from the repeated products an uninterrupted run has.
 */
export function captureAdam(
  opt: tf.AdamOptimizer,
  variables: readonly NamedVariable[],
): AdamTensors {
  const inner = internals(opt);
  const entries: [string, tf.Tensor][] = [];
  const slotCount = inner.accumulatedFirstMoment.length;
  if (slotCount !== 0 && slotCount !== variables.length) {
    throw new Error(`Adam has ${slotCount} slots for ${variables.length} variables`);
  }
  for (let i = 0; i < slotCount; i++) {
    const m = inner.accumulatedFirstMoment[i];
    const v = inner.accumulatedSecondMoment[i];
    const variable = variables[i]!;
    if (m === undefined || v === undefined || m.originalName !== `${variable.variable.name}/m`) {
      throw new Error(`Adam slot ${i} does not belong to ${variable.name}`);
    }
    entries.push([`optimizer/${variable.name}/m`, tf.clone(m.variable)]);
    entries.push([`optimizer/${variable.name}/v`, tf.clone(v.variable)]);
  }
  entries.push(['optimizer/iter', tf.scalar(opt.iterations, 'int32')]);
  entries.push(['optimizer/beta1_power', tf.clone(inner.accBeta1)]);
  entries.push(['optimizer/beta2_power', tf.clone(inner.accBeta2)]);
  return { entries };
}

/** Restores state captured by captureAdam; `get` returns a tensor by checkpoint name. */
export async function restoreAdam(
  opt: tf.AdamOptimizer,
  variables: readonly NamedVariable[],
  get: (name: string) => tf.Tensor | undefined,
): Promise<void> {
  const iter = get('optimizer/iter');
  if (iter === undefined) throw new Error('optimizer/iter is missing');
  const first: { name: string; tensor: tf.Tensor }[] = [];
  const second: { name: string; tensor: tf.Tensor }[] = [];
  for (const { name, variable } of variables) {
    const m = get(`optimizer/${name}/m`);
    const v = get(`optimizer/${name}/v`);
    if (m === undefined || v === undefined) continue;
    first.push({ name: `${variable.name}/m`, tensor: m });
    second.push({ name: `${variable.name}/v`, tensor: v });
  }
  if (first.length !== 0 && first.length !== variables.length) {
    throw new Error(`optimizer slots cover ${first.length} of ${variables.length} variables`);
  }
  await opt.setWeights([{ name: 'iter', tensor: iter }, ...first, ...second]);
  const inner = internals(opt);
  for (const [key, name] of [
    ['accBeta1', 'optimizer/beta1_power'],
    ['accBeta2', 'optimizer/beta2_power'],
  ] as const) {
    const saved = get(name);
    if (saved === undefined) throw new Error(`${name} is missing`);
    inner[key].assign(saved);
  }
}
