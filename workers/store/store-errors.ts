import { NoRunError, NoSnapshotError, SnapshotError, TrainerError } from '../../src/shared/errors';

export function noRunError(id: string): NoRunError {
  return new NoRunError(`Run ${id} does not exist (it may have been deleted). Start a new run.`);
}

export function noSnapshotError(id: string): NoSnapshotError {
  return new NoSnapshotError(
    `Snapshot ${id} does not exist (retention or another tab may have deleted it). Pick another snapshot from the list.`,
  );
}

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
