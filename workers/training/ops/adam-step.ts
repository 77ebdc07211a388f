import * as tf from '@tensorflow/tfjs';
import { decays as decaysBySpec } from '../../../src/shared/model-spec';
import { applyWeightDecay, decayFactor } from '../adamw';
import { clipByGlobalNorm } from '../gradients';
import { hasKernel, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** What one optimizer step needs besides the gradients. */
export interface AdamStepOptions {
  /** The gradients' global norm (before clipping). */
  readonly norm: tf.Scalar;
  /** Clip the gradients to this global norm; 0: no clipping. */
  readonly clip: number;
  /** AdamW's decoupled decay: p ← p·(1 - lr·weightDecay) before the update; 0: plain Adam. */
  readonly weightDecay?: number;
  /** Which variables decay; by default AdamW's rule (model-spec.ts: matrices and embeddings). */
  readonly decays?: (variable: tf.Variable) => boolean;
}

type Slot = { originalName: string; variable: tf.Variable } | undefined;

/** The fields of tfjs's AdamOptimizer the fused step reads and writes, as tfjs names them. */
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  incrementIterations(): void;
}

/** The composite: clipping and decay in tfjs ops, then tfjs's own Adam. */
function stepComposite(
  opt: tf.AdamOptimizer,
  grads: tf.NamedTensorMap,
  options: AdamStepOptions,
): void {
  const { clip, norm, weightDecay = 0, decays = decaysBySpec } = options;
  const applied = clip > 0 ? clipByGlobalNorm(grads, norm, clip) : grads;
  const variables = Object.keys(applied).map((name) => tf.engine().registeredVariables[name]!);
  applyWeightDecay(variables, (opt as unknown as AdamFields).learningRate, weightDecay, decays);
  // applyGradients' declared type asks for variables; minimize() hands it this same map.
  opt.applyGradients(applied as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
}

/** A zero slot named as tfjs names it, so snapshots find it where tfjs's Adam would put it. */
function slot(name: string, suffix: 'm' | 'v', value: tf.Variable): Slot {
  return {
    originalName: `${name}/${suffix}`,
    variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
  };
}

/**
 * One optimizer step on `opt`'s own state (its moments, iteration count and beta powers, which
 * snapshots save by name): clipping to the global norm, AdamW's decay and Adam's update. With
 * TpAdam on the backend, one kernel per variable does all three, operation for operation as
 * the composite does them one kernel at a time (the same bits); else the composite.
 */
export function adamStep(
  opt: tf.AdamOptimizer,
  grads: tf.NamedTensorMap,
  options: AdamStepOptions,
): void {
  if (!hasKernel(TP.adam)) {
    stepComposite(opt, grads, options);
    return;
  }
  const adam = opt as unknown as AdamFields;
  const { clip, norm, weightDecay = 0, decays = decaysBySpec } = options;
  const lr = adam.learningRate;
  tf.tidy(() => {
    // The factor clipByGlobalNorm multiplies by, made by the same ops.
    const threshold = clip > 0 ? tf.scalar(clip) : null;
    const scale = threshold === null ? null : tf.div(threshold, tf.maximum(norm, threshold));
    Object.entries(grads).forEach(([name, grad], i) => {
      const value = tf.engine().registeredVariables[name]!;
      adam.accumulatedFirstMoment[i] ??= slot(name, 'm', value);
      adam.accumulatedSecondMoment[i] ??= slot(name, 'v', value);
      const m = adam.accumulatedFirstMoment[i]!.variable;
      const v = adam.accumulatedSecondMoment[i]!.variable;
      const inputs: tf.NamedTensorMap = {
        param: value,
        grad,
        m,
        v,
        accBeta1: adam.accBeta1,
        accBeta2: adam.accBeta2,
      };
      if (scale !== null) inputs['scale'] = scale;
      const [newParam, newM, newV] = runKernel(TP.adam, inputs, {
        learningRate: lr,
        beta1: adam.beta1,
        beta2: adam.beta2,
        epsilon: adam.epsilon,
        decay: weightDecay > 0 && decays(value) ? decayFactor(lr, weightDecay) : 1,
      });
      m.assign(newM!);
      v.assign(newV!);
      value.assign(newParam!);
    });
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}
