/** Refusals of a checkpoint file (import, inspect), one named class each (see trainer-error.ts). */
import { TrainerError } from './trainer-error';

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
  constructor(
    readonly datasetName: string,
    readonly datasetId: string,
  ) {
    super(
      `This checkpoint was trained on "${datasetName}" (SHA-256 ${datasetId.slice(0, 16)}…), which this browser does not have. Choose that text file as the training text, then import again.`,
    );
  }
}
