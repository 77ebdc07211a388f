import {
  errorText,
  SnapshotError,
  StorageClosedError,
  StorageFullError,
  StorageQuotaError,
  StoreVersionError,
  TrainerError,
  type NewestSnapshot,
} from '../../src/shared/errors';
import type { EstimateStorage } from './browser-storage';
import { VersionTooOldError } from './connection';
import type { GaveUp } from './gateway';
import { isQuotaError } from './quota';
import { DB_VERSION } from './store-schema';

/** Below this much room left in the origin's quota a failed write is taken for a full disk. */
const FULL_MARGIN_BYTES = 16 * 1024 * 1024;

/**
 * Chromium sizes an origin's quota from the disk's free space, so a quota with almost no room
 * left while the write failed means the disk itself is full. Unknown figures say no.
 */
export async function looksDiskFull(estimate: EstimateStorage, bytes: number): Promise<boolean> {
  const figures = await estimate().catch(() => null);
  if (figures?.usage === undefined || figures.quota === undefined) return false;
  return figures.quota - figures.usage < Math.max(2 * bytes, FULL_MARGIN_BYTES);
}

/** What the page is told about the commit that failed. */
export interface CommitFacts {
  readonly step: number;
  readonly bytes: number;
  /** The run's newest committed snapshot, which is still the newest. */
  readonly newest: NewestSnapshot | null;
  readonly estimate: EstimateStorage;
}

/**
 * The named error a snapshot commit that gave up reports: the store's own errors as they are; a
 * database newer than this code, a full disk, an exhausted quota, a connection that could not
 * be reopened; anything else as "not saved". The browser's text is only ever a detail.
 */
export async function commitFailure(why: GaveUp, facts: CommitFacts): Promise<Error> {
  const { error: err, connectionLost, ioFailure } = why;
  if (err instanceof TrainerError) return err;
  if (err instanceof VersionTooOldError) {
    return new StoreVersionError({ found: err.found, supported: DB_VERSION, newest: facts.newest });
  }
  const cause = errorText(err);
  const known = { step: facts.step, newest: facts.newest, cause };
  const fullMessage = /full disk|disk is full|no space/i.test(cause);
  // UnknownError is Chromium's word for a write the disk refused (an I/O error).
  const unknown = (err as { name?: unknown } | null)?.name === 'UnknownError';
  if (isQuotaError(err) || connectionLost || unknown) {
    if (fullMessage || ioFailure || (await looksDiskFull(facts.estimate, facts.bytes))) {
      return new StorageFullError(known);
    }
    if (isQuotaError(err)) return new StorageQuotaError(facts.step, facts.newest);
    if (connectionLost) return new StorageClosedError(known);
  }
  // An aborted transaction, a failed write: nothing was saved.
  return new SnapshotError(
    `The snapshot at step ${facts.step} was not saved (${cause}). The previous snapshot is still the newest; try again.`,
  );
}
