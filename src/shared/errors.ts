/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those), so callers switch on `err.name`, never on
 * instanceof. Each message says what went wrong and what to do next.
 */
// Names are spelled out, not read from the constructor: the production build minifies class
// names, and a minified name would reach the page as "t: ...".
export class TrainerError extends Error {
  override name = 'TrainerError';
}

export class ConfigError extends TrainerError {
  override name = 'ConfigError';
}
export class DatasetError extends TrainerError {
  override name = 'DatasetError';
}
export class BackendError extends TrainerError {
  override name = 'BackendError';
}
export class NoRunError extends TrainerError {
  override name = 'NoRunError';
}
export class NoSnapshotError extends TrainerError {
  override name = 'NoSnapshotError';
}
export class SnapshotError extends TrainerError {
  override name = 'SnapshotError';
}
export class StorageQuotaError extends TrainerError {
  override name = 'StorageQuotaError';
}
export class SnapshotCorruptError extends TrainerError {
  override name = 'SnapshotCorruptError';
}
export class CheckpointFormatError extends TrainerError {
  override name = 'CheckpointFormatError';
}
// Narrower checkpoint refusals extend CheckpointFormatError for code that holds the class, but
// across the worker only the name survives: a caller that wants "any import refusal" should test
// `name.startsWith('Checkpoint')`.
/** The file ends before what its own header promises: a partial download or copy. */
export class CheckpointTruncatedError extends CheckpointFormatError {
  override name = 'CheckpointTruncatedError';
}
/** The header asks for more than the importer's caps allow; refused before allocating it. */
export class CheckpointLimitError extends CheckpointFormatError {
  override name = 'CheckpointLimitError';
}
export class CheckpointMismatchError extends TrainerError {
  override name = 'CheckpointMismatchError';
}
export class CheckpointVersionError extends TrainerError {
  override name = 'CheckpointVersionError';
}
export class CheckpointIntegrityError extends TrainerError {
  override name = 'CheckpointIntegrityError';
}
export class CheckpointDatasetError extends TrainerError {
  override name = 'CheckpointDatasetError';
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
