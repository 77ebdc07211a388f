/**
 * The Web Lock a run's writer holds while it shows the run (src/client/run-lock.ts): the worker
 * asks the lock manager who holds it before it deletes a corpus the run reads.
 */
export function runLockName(runId: string): string {
  return `${RUN_LOCK_PREFIX}${runId}`;
}

export const RUN_LOCK_PREFIX = 'tab-trainer:run:';
