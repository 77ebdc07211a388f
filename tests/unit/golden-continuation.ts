import type { TrainingSession } from '../../workers/training/session';

/** Validation every this many steps in a golden continuation. */
export const VAL_EVERY = 25;

/**
 * `steps` more steps of a golden run, as the Python tests replay them from its checkpoint: each
 * step's loss and gradient norm, the validation every VAL_EVERY steps ([step, loss, bits per
 * byte]), then where the run stands (data cursor, optimizer iterations, step).
 */
export async function goldenContinuation(session: TrainingSession, steps: number) {
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const val: [number, number, number][] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(await session.trainStep());
    gradNorms.push(session.lastStep!.gradNorm);
    if (session.step % VAL_EVERY === 0) {
      const result = await session.evaluate();
      val.push([session.step, result.loss, result.bitsPerByte]);
    }
  }
  return {
    losses,
    gradNorms,
    val,
    cursor: session.sampler.position(),
    iterations: session.optimizer.iterations,
    step: session.step,
  };
}
