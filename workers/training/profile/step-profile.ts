import type * as tf from '@tensorflow/tfjs';
import type { TrainingSession } from '../session';
import { perStep, profileKernels, type KernelProfile } from './kernel-profile';
import { now } from './clock';

export const STEP_PHASES = ['forward', 'backward', 'optimizer'] as const;

type ComputeGradients = tf.AdamOptimizer['computeGradients'];

/**
 * Profiles `session`'s next `steps` training steps, the very steps the app runs, as their mean
 * step, split into phases:
 * forward (the loss function), backward (the rest of computeGradients) and optimizer (global
 * norm, clipping, Adam's update and the readout). The phase boundaries are marked by wrapping
 * the session's optimizer's computeGradients for this one step; the step itself, and so its
 * trajectory, is unchanged. The steps count as steps of the run.
 */
export async function profileTrainingSteps(
  session: TrainingSession,
  steps: number,
): Promise<KernelProfile> {
  return (await profiledSteps(session, steps)).profile;
}

/**
 * The session's next training step, profiled as profileTrainingSteps profiles it: a step of
 * the run like any other (the loop's, when the page asks for a profile with `?debug=1`).
 */
export async function profileOneStep(
  session: TrainingSession,
): Promise<{ readonly loss: number; readonly profile: KernelProfile }> {
  const { losses, profile } = await profiledSteps(session, 1);
  return { loss: losses[0]!, profile };
}

async function profiledSteps(
  session: TrainingSession,
  steps: number,
): Promise<{ readonly losses: number[]; readonly profile: KernelProfile }> {
  const adam = session.optimizer as tf.AdamOptimizer & { computeGradients: ComputeGradients };
  const original = adam.computeGradients;
  const own = Object.hasOwn(adam, 'computeGradients');
  const losses: number[] = [];
  try {
    const profile = await profileKernels(STEP_PHASES[0], async (mark) => {
      adam.computeGradients = (f, varList) => {
        mark('forward');
        const result = original.call(
          adam,
          () => {
            const loss = f();
            mark('backward');
            return loss;
          },
          varList,
        );
        mark('optimizer');
        return result;
      };
      for (let i = 0; i < steps; i++) losses.push(await session.trainStep());
    });
    return { losses, profile: perStep(profile, steps) };
  } finally {
    if (own) adam.computeGradients = original;
    else delete (adam as Partial<typeof adam>).computeGradients;
  }
}

/** Wall times of `steps` plain (unprofiled) steps of `session`, in ms. */
export async function timeSteps(session: TrainingSession, steps: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const started = now();
    await session.trainStep();
    times.push(now() - started);
  }
  return times;
}
