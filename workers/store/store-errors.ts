import { SnapshotError, TrainerError } from '../../src/shared/errors';

/**
 * The error a failed commit reports. Must keep the store's own named errors as they are and
 * say, for anything else (an aborted transaction, a failed write), that nothing was saved.
 */
export function commitFailed(err: unknown, step: number): Error {
  if (err instanceof TrainerError) return err;
  const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new SnapshotError(
    `The snapshot at step ${step} was not saved (${why}). The previous snapshot is still the newest; try again.`,
  );
}
