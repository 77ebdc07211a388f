import { JobInputEmptyError, JobInputTooLargeError, JobParamError } from '../errors';
import { checkSampling } from '../sampling';
import { JOB_LIMITS } from './job-limits';
import type { GenerateParams, JobInputSpec } from './job-types';

/**
 * The items of a file: its lines, trimmed, empty ones dropped, as the trainer reads a training
 * text (so the run's validation lines score exactly as the validation loss counts them).
 */
export function fileLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * A file's lines, refused with a named error when the file is empty or over a limit. (Whether
 * the run can read each line is the worker's to check, with the run's tokenizer.)
 */
export function checkedLines(name: string, text: string): string[] {
  if (text.length > JOB_LIMITS.maxFileChars) {
    throw new JobInputTooLargeError(`"${name}" (characters)`, text.length, JOB_LIMITS.maxFileChars);
  }
  const lines = fileLines(text);
  if (lines.length === 0) throw new JobInputEmptyError(name);
  if (lines.length > JOB_LIMITS.maxItems) {
    throw new JobInputTooLargeError(`"${name}" (lines)`, lines.length, JOB_LIMITS.maxItems);
  }
  lines.forEach((line, i) => {
    const chars = [...line].length;
    if (chars > JOB_LIMITS.maxLineChars) {
      throw new JobInputTooLargeError(
        `Line ${i + 1} of "${name}" (characters)`,
        chars,
        JOB_LIMITS.maxLineChars,
      );
    }
  });
  return lines;
}

function checkRange(field: string, value: number, min: number, max: number, whole: boolean) {
  const ok = Number.isFinite(value) && value >= min && value <= max;
  if (!ok || (whole && !Number.isInteger(value))) throw new JobParamError(field, value, min, max);
}

/** Must refuse every value a job could not run with, naming the field. */
export function checkGenerateParams(params: GenerateParams, vocabSize: number): void {
  const fail = (field: string, value: number, min: number, max: number) =>
    new JobParamError(field, value, min, max);
  checkSampling({ ...params, topP: params.topP ?? 1 }, vocabSize, fail);
  checkRange('Maximum length', params.maxLength, 1, JOB_LIMITS.maxLength, true);
  checkRange('Job seed', params.seed, 0, JOB_LIMITS.maxSeed, true);
}

export function checkSampleCount(input: JobInputSpec): void {
  if (input.kind === 'samples') checkRange('Count', input.count, 1, JOB_LIMITS.maxItems, true);
}

/** A batch size chosen by the user (null: sized by time). */
export function checkBatchSize(batchSize: number | null): void {
  if (batchSize !== null) checkRange('Items per batch', batchSize, 1, JOB_LIMITS.maxBatch, true);
}
