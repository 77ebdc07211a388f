import { clockTime, StorageQuotaError, type NewestSnapshot } from '../../src/shared/errors';

/**
 * True for the browser's out-of-storage failure, whether a put threw it or the transaction
 * aborted with it (idb rejects `tx.done` with `tx.error`, so both arrive here as the error).
 */
export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  // Old Firefox names it NS_ERROR_DOM_QUOTA_REACHED; legacy DOMException code 22 is the same.
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (err instanceof DOMException && code === 22)
  );
}

export function storageQuotaError(step: number, newest: NewestSnapshot | null): StorageQuotaError {
  const kept =
    newest === null
      ? 'No earlier snapshot of this run was lost.'
      : `The last good snapshot (step ${newest.step} from ${clockTime(newest.at)}) is intact.`;
  return new StorageQuotaError(
    `Browser storage is full: the snapshot at step ${step} could not be saved, even after ` +
      `deleting older snapshots. Snapshots resume by themselves once there is room: free disk ` +
      `space, or export the runs you want to keep and delete old runs. ${kept}`,
  );
}
