import { StorageEvictedError, type NewestSnapshot } from '../../src/shared/errors';
import type { SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';
import { blobsRefused, isBlobRefusal, noteBlobRefusal, withoutBlobs } from './blob-fallback';
import type { EstimateStorage, PersistedStorage } from './browser-storage';
import { commitFailure } from './commit-failure';
import { COMMIT_RETRY, type StorageGateway } from './gateway';
import { isQuotaError } from './quota';
import { pruneForSpace, writeSnapshot, type RunWrite, type WriteOutcome } from './snapshot-commit';
import type { TrainerDatabase } from './store-schema';

/** What a snapshot's durable commit reads beyond the snapshot. */
export interface DurableContext {
  readonly gateway: StorageGateway;
  /**
   * The newest committed snapshot per run, as the store knows it: a run in it that a recreated
   * database lacks was lost under this tab, and a failure names its newest as still kept.
   */
  readonly newest: ReadonlyMap<string, NewestSnapshot>;
  readonly estimate: EstimateStorage;
  readonly persisted: PersistedStorage;
}

export interface DurableCommit {
  readonly outcome: WriteOutcome;
  /** Every snapshot deleted: by a quota recovery, then by retention. */
  readonly pruned: string[];
  /** The connection it committed on, for the second copy's read of the training text. */
  readonly db: TrainerDatabase;
}

/**
 * One snapshot's commit through the gateway's retry loop (COMMIT_RETRY), with the snapshot's
 * own recoveries: a quota error prunes harder once and retries; a run found missing from a
 * database recreated under this tab (storage cleared) is reported as StorageEvictedError. A
 * commit that gives up throws the named error commitFailure picks. (A run that was recreated
 * shows as `outcome.recreatedRun`; the store reports it.)
 */
export async function commitDurably(
  ctx: DurableContext,
  payload: SnapshotPayload<TensorBytes>,
  keepLast: number,
  write: RunWrite | null,
): Promise<DurableCommit> {
  const { gateway } = ctx;
  const { step, runId, bytes } = payload.manifest;
  let freed: string[] | null = null;
  // A browser whose IndexedDB refuses Blobs (blob-fallback.ts) gets the same bytes as ArrayBuffers.
  let rows = blobsRefused() ? await withoutBlobs(payload) : payload;
  const { outcome, db } = await gateway.attempt(COMMIT_RETRY, {
    run: async (db, attempt) => {
      const mayRecreate = gateway.recreated && ctx.newest.has(runId);
      const { faults } = gateway;
      return {
        outcome: await writeSnapshot(db, rows, keepLast, attempt, faults, write, mayRecreate),
        db,
      };
    },
    recover: async (err, db) => {
      if (isBlobRefusal(err) && !blobsRefused()) {
        noteBlobRefusal();
        rows = await withoutBlobs(rows);
        return true;
      }
      if (isQuotaError(err) && freed === null) {
        freed = await pruneForSpace(db, runId);
        return true;
      }
      if ((err as Error).name === 'RunNotFoundError' && gateway.recreated) {
        const runName = write?.run.name ?? runId;
        throw new StorageEvictedError({
          runName,
          rewrittenStep: null,
          persisted: await ctx.persisted().catch(() => null),
        });
      }
      return false;
    },
    giveUp: (why) =>
      commitFailure(why, {
        step,
        bytes,
        newest: ctx.newest.get(runId) ?? null,
        estimate: ctx.estimate,
      }),
  });
  return { outcome, pruned: [...(freed ?? []), ...outcome.pruned], db };
}
