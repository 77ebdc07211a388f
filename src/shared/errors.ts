/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those), so callers switch on `err.name`, never on
 * instanceof. Each message says what went wrong and what to do next.
 */
export class TrainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConfigError extends TrainerError {}
export class DatasetError extends TrainerError {}
export class BackendError extends TrainerError {}
export class NoRunError extends TrainerError {}
export class NoSnapshotError extends TrainerError {}
export class SnapshotError extends TrainerError {}
export class StorageQuotaError extends TrainerError {}
export class SnapshotCorruptError extends TrainerError {}
export class CheckpointFormatError extends TrainerError {}
// Narrower checkpoint refusals extend CheckpointFormatError for code that holds the class, but
// across the worker only the name survives: a caller that wants "any import refusal" should test
// `name.startsWith('Checkpoint')`.
/** The file ends before what its own header promises: a partial download or copy. */
export class CheckpointTruncatedError extends CheckpointFormatError {}
/** The header asks for more than the importer's caps allow; refused before allocating it. */
export class CheckpointLimitError extends CheckpointFormatError {}
export class CheckpointMismatchError extends TrainerError {}
export class CheckpointVersionError extends TrainerError {}
export class CheckpointIntegrityError extends TrainerError {}
export class RunLockedError extends TrainerError {}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
