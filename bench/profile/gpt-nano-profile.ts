import * as tf from '@tensorflow/tfjs';
import { elementCount, modelSpec } from '../../src/shared/model-spec';
import {
  GPT_NANO,
  gptNanoDataset,
  measureOpOverhead,
  type OverheadRow,
  formatProfile,
  profileTrainingSteps,
  timeSteps,
  TrainingSession,
} from '../../workers/bench-surface';
import type { KernelProfile } from '../../workers/bench-surface';

export interface ProfileOptions {
  /** The text to train on (the bundled names); its vocabulary is widened to 256. */
  readonly text: string;
  readonly warmupSteps: number;
  /** Plain steps timed without the profiler, for the step's real time. */
  readonly timedSteps: number;
  readonly profiledSteps: number;
  /** Calls of each op-overhead probe. */
  readonly overheadCalls: number;
}

export interface BackendProfile {
  readonly backend: string;
  readonly params: number;
  readonly tokensPerStep: number;
  readonly stepMs: readonly number[];
  readonly medianStepMs: number;
  readonly profile: KernelProfile;
  readonly overhead: readonly OverheadRow[];
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The gpt-nano preset on the backend already set: warm-up, plain steps timed,
 * then profiled steps, then the per-op overhead at [1] and at an activation's size.
 */
export async function profileGptNano(options: ProfileOptions): Promise<BackendProfile> {
  const data = gptNanoDataset(options.text);
  const session = TrainingSession.create(GPT_NANO, data);
  try {
    await timeSteps(session, options.warmupSteps);
    const stepMs = await timeSteps(session, options.timedSteps);
    const profile = await profileTrainingSteps(session, options.profiledSteps);
    const { embed, context, batch } = GPT_NANO;
    const overhead = [
      ...measureOpOverhead([1], options.overheadCalls),
      ...measureOpOverhead([batch * context, embed], Math.ceil(options.overheadCalls / 10)),
    ];
    return {
      backend: tf.getBackend(),
      params: modelSpec(GPT_NANO, data.tokenizer.vocabSize).reduce(
        (n, v) => n + elementCount(v.shape),
        0,
      ),
      tokensPerStep: session.tokensPerStep,
      stepMs,
      medianStepMs: median(stepMs),
      profile,
      overhead,
    };
  } finally {
    session.dispose();
  }
}

export function formatBackendProfile(result: BackendProfile, top = 40): string {
  const { medianStepMs, tokensPerStep } = result;
  const overhead = result.overhead.map(
    (o) => `  ${o.path.padEnd(17)} ${o.shape.padStart(8)}  ${o.usPerCall.toFixed(1)} µs/call`,
  );
  return [
    `== ${result.backend}: gpt-nano (gpt e96 w384 l3 h3 c64 b16, byte vocab 256, tied), ` +
      `${result.params} params, ${tokensPerStep} tokens/step`,
    `plain steps: median ${medianStepMs.toFixed(1)} ms ` +
      `(${((1000 * tokensPerStep) / medianStepMs).toFixed(0)} tok/s) of ` +
      `[${result.stepMs.map((s) => s.toFixed(0)).join(', ')}]`,
    'op overhead (an Add):',
    ...overhead,
    '',
    formatProfile(result.profile, top),
  ].join('\n');
}
