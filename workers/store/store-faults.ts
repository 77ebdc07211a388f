import {
  StorageClosedError,
  StorageFullError,
  StorageQuotaError,
  StoreVersionError,
  TrainerError,
  type NewestSnapshot,
} from '../../src/shared/errors';
import { VersionTooOldError } from './connection';
import { isQuotaError } from './quota';
import { DB_VERSION } from './store-schema';
import { commitFailed } from './store-errors';

/** The origin's storage figures, as navigator.storage.estimate() gives them. */
export type EstimateStorage = () => Promise<{ usage?: number; quota?: number } | null>;

export const browserEstimate: EstimateStorage = async () =>
  (await (
    globalThis.navigator as { storage?: StorageManager } | undefined
  )?.storage?.estimate?.()) ?? null;

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

function detail(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export interface FaultContext {
  readonly step: number;
  readonly bytes: number;
  readonly newest: NewestSnapshot | null;
  readonly estimate: EstimateStorage;
  /** The last attempt failed because the connection was lost or could not be reopened. */
  readonly connectionLost: boolean;
  /**
   * Some attempt failed with UnknownError: Chromium's word for a write (or an open of the
   * backing store) the disk refused. Measured on a full tmpfs profile: the transaction aborts
   * with UnknownError, the connection is force-closed, and reopening fails with "Internal
   * error opening backing store" until space is freed, while navigator.storage.estimate()
   * still reports a quota of 1 GB, so the figures cannot tell.
   */
  readonly ioFailure: boolean;
}

/**
 * The named error a commit that gave up reports: the store's own errors as they are; a
 * database newer than this code, a full disk, an exhausted quota, a connection that could not
 * be reopened; anything else as "not saved". The browser's text is only ever a detail.
 */
export async function commitFault(err: unknown, ctx: FaultContext): Promise<Error> {
  if (err instanceof TrainerError) return err;
  if (err instanceof VersionTooOldError) {
    return new StoreVersionError({ found: err.found, supported: DB_VERSION, newest: ctx.newest });
  }
  const facts = { step: ctx.step, newest: ctx.newest, cause: detail(err) };
  const fullMessage = /full disk|disk is full|no space/i.test(detail(err));
  // UnknownError is Chromium's word for a write the disk refused (an I/O error).
  const unknown = (err as { name?: unknown } | null)?.name === 'UnknownError';
  if (isQuotaError(err) || ctx.connectionLost || unknown) {
    if (fullMessage || ctx.ioFailure || (await looksDiskFull(ctx.estimate, ctx.bytes))) {
      return new StorageFullError(facts);
    }
    if (isQuotaError(err)) return new StorageQuotaError(ctx.step, ctx.newest);
    if (ctx.connectionLost) return new StorageClosedError(facts);
  }
  return commitFailed(err, ctx.step);
}
