/** Refusals and failures of inference jobs, each built from its facts (see trainer-error.ts). */
import { DISK_FULL, GOES_ON_ONCE_FREE } from './storage-errors';
import { TrainerError } from './trainer-error';

/** A job the caller named is not in the store (deleted here or in another tab). */
export class JobNotFoundError extends TrainerError {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} no longer exists (it may have been deleted in another tab).`);
  }
}

/** A job's input file has no line to work on. */
export class JobInputEmptyError extends TrainerError {
  override name = 'JobInputEmptyError';
  constructor(readonly fileName: string) {
    super(`"${fileName}" has no non-empty line. Choose a file with one item per line.`);
  }
}

/** A job's input (its file, a line of it, or its item count) is over a limit. */
export class JobInputTooLargeError extends TrainerError {
  override name = 'JobInputTooLargeError';
  constructor(
    readonly what: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `${what} is ${size.toLocaleString('en')}; a job takes at most ${limit.toLocaleString('en')}. Split the input into smaller jobs.`,
    );
  }
}

/** A line of a job's input holds a character the model never saw, so it has no probability. */
export class JobVocabularyError extends TrainerError {
  override name = 'JobVocabularyError';
  constructor(
    readonly fileName: string,
    readonly line: number,
    readonly char: string,
  ) {
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    super(
      `Line ${line} of "${fileName}" holds "${char}" (${code}), which is not in the model's vocabulary. Remove it or use a model trained on text that has it.`,
    );
  }
}

/** A job parameter out of its range. */
export class JobParamError extends TrainerError {
  override name = 'JobParamError';
  constructor(
    readonly field: string,
    readonly value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(
      `${field} must be ${Number.isInteger(min) && Number.isInteger(max) ? 'a whole number ' : ''}between ${min} and ${max}; got ${value}.`,
    );
  }
}

/** A job's model no longer matches what the job started with: its results would mix models. */
export class JobModelMismatchError extends TrainerError {
  override name = 'JobModelMismatchError';
  constructor(
    readonly jobId: string,
    readonly snapshotStep: number,
    readonly detail: string,
  ) {
    super(
      `Job ${jobId.slice(0, 8)} cannot continue: its model (the snapshot at step ${snapshotStep}) no longer matches what the job started with (${detail}). Its committed results stay downloadable; start a new job for the rest.`,
    );
  }
}

/** A job's stored input no longer hashes to what the job started with. */
export class JobInputMismatchError extends TrainerError {
  override name = 'JobInputMismatchError';
  constructor(
    readonly jobId: string,
    readonly inputName: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `Job ${jobId.slice(0, 8)} cannot continue: its input "${inputName}" changed (SHA-256 ${found.slice(0, 12)}…, the job started with ${expected.slice(0, 12)}…). Its committed results stay downloadable; start a new job for the rest.`,
    );
  }
}

/** A snapshot cannot be deleted while a job uses it. */
export class SnapshotInUseError extends TrainerError {
  override name = 'SnapshotInUseError';
  constructor(
    readonly step: number,
    readonly jobs: number,
  ) {
    super(
      `The snapshot at step ${step} is used by ${jobs === 1 ? 'a job' : `${jobs} jobs`}; delete ${jobs === 1 ? 'that job' : 'those jobs'} first.`,
    );
  }
}

/** A job's batch could not be written (a full disk, or the browser refused the write). */
export class JobStorageError extends TrainerError {
  override name = 'JobStorageError';
  constructor(
    readonly committed: number,
    readonly total: number,
    readonly detail?: string,
  ) {
    super(
      `${DISK_FULL}: the job is paused at ${committed.toLocaleString('en')} of ${total.toLocaleString('en')} items, every one of them saved. It ${GOES_ON_ONCE_FREE}.${detail ? ` (${detail})` : ''}`,
    );
  }
}

/**
 * Scoring "the run's validation lines" needs a run of one example per line: prose holds out the
 * tail of its stream, which has no lines to score (a file of lines scores on any run).
 */
export class JobRunKindError extends TrainerError {
  override name = 'JobRunKindError';
  constructor(
    readonly runName: string,
    readonly tokens: string,
    readonly text: string,
  ) {
    super(
      `Run "${runName}" trains on ${tokens} tokens of ${text}, whose validation part is the ` +
        `stream's tail, not lines. Score a text file of lines instead.`,
    );
  }
}
