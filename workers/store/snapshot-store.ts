import type {
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
  TensorBytes,
} from '../../src/shared/snapshot';
import { pruneForSpace, writeSnapshot, type CommitFaults, type NewRun } from './commit';
import { inTransaction } from './in-transaction';
import {
  loadLatestGood,
  loadSnapshot,
  loadSnapshotBlobs,
  runSnapshots,
  type LatestGood,
} from './load';
import { isQuotaError } from './quota';
import { checkPolicy, DEFAULT_RETENTION, type RetentionPolicy } from './retention';
import { checkDataset, removeRun, removeSnapshot } from './run-admin';
import { SnapshotError, SnapshotNotFoundError, StorageQuotaError } from '../../src/shared/errors';
import { commitFailed } from './store-errors';
import {
  openTrainerDb,
  type DatasetRecord,
  type OpenOptions,
  type TrainerDatabase,
} from './store-schema';
import { validatePayload } from './verify';

export interface StoreOptions extends OpenOptions {
  /** Test hooks that make a commit fail at a chosen point; never set in production. */
  readonly faults?: CommitFaults;
}

export interface CommitResult {
  /** Ids of the snapshots deleted by retention (and by quota recovery, if it ran). */
  readonly pruned: string[];
}

/**
 * The worker's IndexedDB store of runs, snapshots, tensors and datasets. A snapshot exists
 * only once its commit transaction has completed; every read of tensors is verified.
 */
export class SnapshotStore {
  private constructor(
    private readonly db: TrainerDatabase,
    private readonly faults: CommitFaults,
  ) {}

  static async open(options: StoreOptions = {}): Promise<SnapshotStore> {
    return new SnapshotStore(await openTrainerDb(options), options.faults ?? {});
  }

  close(): void {
    this.db.close();
  }

  /** Must not return text that no longer matches its hash. */
  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    const record = await this.db.get('datasets', id);
    if (record !== undefined) await checkDataset(record);
    return record;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** Newest first by creation time. */
  async listRuns(): Promise<RunRecord[]> {
    const runs = await this.db.getAll('runs');
    return runs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  deleteRun(id: string): Promise<void> {
    return removeRun(this.db, id);
  }

  /**
   * Commits a snapshot atomically with its retention pruning. On a quota failure it prunes
   * harder and retries once. Must leave the previous snapshot the newest, intact, whenever
   * it throws, and must never delete the run's last good snapshot.
   */
  async commitSnapshot(
    payload: SnapshotPayload<TensorBytes>,
    policy: RetentionPolicy = DEFAULT_RETENTION,
    newRun: NewRun | null = null,
  ): Promise<CommitResult> {
    checkPolicy(policy);
    validatePayload(payload);
    if (newRun !== null) {
      const { run, dataset } = newRun;
      if (run.id !== payload.manifest.runId || run.latestSnapshotId !== null) {
        throw new SnapshotError("A new run must be the snapshot's run and have no snapshot yet.");
      }
      if (dataset.id !== run.dataset.id) {
        throw new SnapshotError(`Run ${run.id} must be written with its own text.`);
      }
      await checkDataset(dataset);
    }
    const { step, runId } = payload.manifest;
    try {
      const pruned = await writeSnapshot(this.db, payload, policy.keepLast, 1, this.faults, newRun);
      return { pruned };
    } catch (err) {
      if (!isQuotaError(err)) throw commitFailed(err, step);
    }
    const freed = await pruneForSpace(this.db, runId);
    try {
      const pruned = await writeSnapshot(this.db, payload, policy.keepLast, 2, this.faults, newRun);
      return { pruned: [...freed, ...pruned] };
    } catch (err) {
      if (!isQuotaError(err)) throw commitFailed(err, step);
      throw new StorageQuotaError(step, await this.latestStep(runId));
    }
  }

  /** Newest first: by step, then by creation time. */
  listSnapshots(runId: string): Promise<SnapshotManifest[]> {
    return runSnapshots(this.db, runId);
  }

  async pinSnapshot(id: string, pinned: boolean): Promise<void> {
    const tx = this.db.transaction('snapshots', 'readwrite');
    await inTransaction(tx, async () => {
      const manifest = await tx.store.get(id);
      if (manifest === undefined) throw new SnapshotNotFoundError(id);
      await tx.store.put({ ...manifest, pinned });
    });
  }

  deleteSnapshot(id: string): Promise<void> {
    return removeSnapshot(this.db, id);
  }

  loadSnapshot(id: string): Promise<SnapshotPayload> {
    return loadSnapshot(this.db, id);
  }

  /** The stored Blobs of a snapshot, every tensor verified, for an export. */
  loadSnapshotBlobs(id: string): Promise<SnapshotPayload<TensorBytes>> {
    return loadSnapshotBlobs(this.db, id);
  }

  loadLatestGood(runId: string, fromSnapshotId?: string): Promise<LatestGood> {
    return loadLatestGood(this.db, runId, fromSnapshotId);
  }

  private async latestStep(runId: string): Promise<number | null> {
    const run = await this.db.get('runs', runId);
    if (run?.latestSnapshotId == null) return null;
    const manifest = await this.db.get('snapshots', run.latestSnapshotId);
    return manifest?.step ?? null;
  }
}
