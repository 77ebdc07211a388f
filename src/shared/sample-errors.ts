/**
 * Refusals of a sample with a prompt. Not re-exported by errors.ts: python/tabtrainer reads
 * errors.ts's classes from facts.json, and it never samples with a prompt.
 */
import { TrainerError } from './trainer-error';

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The prompt holds a character a character-level run never saw (its text's alphabet is the
 * whole vocabulary), or a line break where each line is a document of its own.
 */
export class PromptVocabularyError extends TrainerError {
  override name = 'PromptVocabularyError';
  constructor(
    readonly char: string,
    readonly lineBreak: boolean,
  ) {
    super(
      lineBreak
        ? `The prompt holds a line break; this run trains on one example per line, so a ` +
            `prompt is the start of one line. Remove the line break.`
        : `The prompt holds "${char}" (${codePoint(char)}), which is not in this run's ` +
            `vocabulary (the characters of its text). Remove it, or sample from a run on byte ` +
            `tokens, which take any text.`,
    );
  }
}

/** A sampling setting out of its range. */
export class SampleParamError extends TrainerError {
  override name = 'SampleParamError';
  constructor(
    readonly field: string,
    readonly value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(`${field} must be between ${min} and ${max} for a sample; got ${value}.`);
  }
}

/** The prompt is longer than a sample takes. */
export class PromptTooLongError extends TrainerError {
  override name = 'PromptTooLongError';
  constructor(
    readonly chars: number,
    readonly limit: number,
  ) {
    super(
      `The prompt is ${chars.toLocaleString('en')} characters; a sample takes at most ` +
        `${limit.toLocaleString('en')}. Shorten it (the model sees only its last context tokens).`,
    );
  }
}
