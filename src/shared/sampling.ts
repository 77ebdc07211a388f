import type { SerializedError } from './trainer-error';

/** How a next token is drawn from a model's logits (workers/training/draw-token.ts). */
export interface SamplingParams {
  /** Divides the logits before the softmax: below 1 sharper, above 1 flatter. */
  readonly temperature: number;
  /** 0: off; else only the k likeliest tokens are drawn. */
  readonly topK: number;
  /** 1: off; else the fewest likeliest tokens whose probability reaches p (nucleus sampling). */
  readonly topP: number;
}

/** A sample with a prompt, from the run this tab trains, at its weights when asked. */
export interface SampleRequest extends SamplingParams {
  /** The text the sample continues; '' starts where a document starts. */
  readonly prompt: string;
  /** Tokens to generate at most (a line model's end of line ends it sooner). */
  readonly length: number;
  /**
   * With the run's seed and step, names the sample's random stream: the same seed, prompt and
   * settings at the same step give the same text.
   */
  readonly seed: number;
}

/** What a started sample reports, as it goes: text as it is decoded, then how it ended. */
export type SampleEvent =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'end';
      /** `length` reached, the `document` ended (a line model), `stopped` by another, `error`. */
      readonly reason: 'length' | 'document' | 'stopped' | 'error';
      readonly tokens: number;
      readonly error?: SerializedError;
    };

export type SampleSink = (event: SampleEvent) => void;

/** A sample that was accepted: the step whose weights it draws from. */
export interface SampleStarted {
  readonly step: number;
}

export const SAMPLE_LIMITS = {
  minTemperature: 0.01,
  maxTemperature: 10,
  maxLength: 2000,
  maxSeed: 0xffffffff,
  /** A prompt, in characters (code points). */
  maxPromptChars: 10_000,
  /** The smallest nucleus: the likeliest token alone, in practice. */
  minTopP: 0.001,
} as const;

export const DEFAULT_SAMPLE: Omit<SampleRequest, 'prompt'> = {
  temperature: 1,
  topK: 0,
  topP: 1,
  length: 200,
  seed: 1,
};

/** A value out of its range, for the caller to refuse by its own error's name. */
export type RangeFailure = (field: string, value: number, min: number, max: number) => Error;

function checkRange(
  fail: RangeFailure,
  field: string,
  value: number,
  [min, max]: readonly [number, number],
  whole: boolean,
): void {
  const ok = Number.isFinite(value) && value >= min && value <= max;
  if (!ok || (whole && !Number.isInteger(value))) throw fail(field, value, min, max);
}

/** Must refuse every temperature, top-k and top-p a draw could not use, naming the field. */
export function checkSampling(params: SamplingParams, vocabSize: number, fail: RangeFailure) {
  const { minTemperature, maxTemperature } = SAMPLE_LIMITS;
  checkRange(fail, 'Temperature', params.temperature, [minTemperature, maxTemperature], false);
  checkRange(fail, 'Top-k', params.topK, [0, vocabSize], true);
  checkRange(fail, 'Top-p', params.topP, [SAMPLE_LIMITS.minTopP, 1], false);
}
