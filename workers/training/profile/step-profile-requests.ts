import * as tf from '@tensorflow/tfjs';
import type { TrainingSession } from '../session';
import { startGpuCount, type GpuCount, type GpuCounts } from './gpu-work-counter';
import type { KernelProfile } from './kernel-profile';
import { profileOneStep } from './step-profile';

/** The GPU work of one whole training step of the run. */
export interface GpuStepWork extends GpuCounts {
  /** The step counted (the run's step count once it ended). */
  readonly step: number;
}

/** What the `?debug=1` panel shows: a step op by op, and on WebGPU a step's GPU work. */
export interface StepProfile {
  readonly profile: KernelProfile;
  /** Null where the backend is not WebGPU. */
  readonly gpu: GpuStepWork | null;
}

type Settle = (result: StepProfile | Error) => void;

/** On WebGPU, a count of the GPU work from now until stop(); null on other backends. */
export const countOnWebGpu = (): GpuCount | null =>
  tf.getBackend() === 'webgpu' ? startGpuCount() : null;

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * The loop's `?debug=1` profile requests, each answered by the loop's next steps (steps of the
 * run like any other). Where the backend is WebGPU, the first of them is a plain step whose
 * dispatches and submits are counted, and the step after it is profiled op by op. The two are
 * not one step because tf.profile changes the GPU work it observes: it ends the compute pass
 * after every program, so a profiled step has no batched submits (and on a GPU with timestamp
 * queries, a submit per program). The counter is on for the counted step only.
 */
export class StepProfileRequests {
  private waiting: Settle[] = [];
  /** Asked, with the GPU work of the step just counted, waiting for the profiled step. */
  private counted: { readonly waiting: Settle[]; readonly gpu: GpuStepWork } | null = null;

  constructor(private readonly countGpu: () => GpuCount | null = countOnWebGpu) {}

  ask(): Promise<StepProfile> {
    return new Promise((resolve, reject) => {
      this.waiting.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
    });
  }

  /** The session's next training step: plain, counted or profiled as the requests need. */
  async step(session: TrainingSession): Promise<number> {
    if (this.counted !== null) {
      const { waiting, gpu } = this.counted;
      this.counted = null;
      return this.profiled(session, waiting, gpu);
    }
    if (this.waiting.length === 0) return session.trainStep();
    const waiting = this.waiting.splice(0);
    const count = this.countGpu();
    if (count === null) return this.profiled(session, waiting, null);
    try {
      const loss = await session.trainStep();
      this.counted = { waiting, gpu: { ...count.counts, step: session.step } };
      return loss;
    } catch (err) {
      for (const settle of waiting) settle(asError(err));
      throw err;
    } finally {
      count.stop();
    }
  }

  /** Fails every request still waiting (the loop has stopped). */
  cancel(error: () => Error): void {
    const waiting = [...this.waiting.splice(0), ...(this.counted?.waiting ?? [])];
    this.counted = null;
    for (const settle of waiting) settle(error());
  }

  private async profiled(
    session: TrainingSession,
    waiting: readonly Settle[],
    gpu: GpuStepWork | null,
  ): Promise<number> {
    try {
      const { loss, profile } = await profileOneStep(session);
      for (const settle of waiting) settle({ profile, gpu });
      return loss;
    } catch (err) {
      for (const settle of waiting) settle(asError(err));
      throw err;
    }
  }
}
