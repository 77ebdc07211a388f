import {
  SnapshotError,
  SnapshotNotFoundError,
  StorageClosedError,
  StorageEvictedError,
  StoreVersionError,
  type NewestSnapshot,
} from '../../src/shared/errors';
import type {
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
  TensorBytes,
} from '../../src/shared/snapshot';
import type { BackoffPolicy, Clock } from './backoff';
import { pruneForSpace, writeSnapshot, type CommitFaults, type RunWrite } from './commit';
import { isConnectionLoss, StoreConnection, VersionTooOldError, type Live } from './connection';
import { inTransaction } from './in-transaction';
import {
  loadLatestGood,
  loadSnapshot,
  loadSnapshotBlobs,
  runSnapshots,
  type LatestGood,
} from './load';
import { opfsFiles, type MirrorFiles } from './mirror-files';
import { isQuotaError } from './quota';
import { checkPolicy, DEFAULT_RETENTION, type RetentionPolicy } from './retention';
import { checkDataset, removeRun, removeSnapshot } from './run-admin';
import { SnapshotMirror, type MirrorCost, type MirrorSkip } from './snapshot-mirror';
import { browserEstimate, commitFault, type EstimateStorage } from './store-faults';
import {
  DB_VERSION,
  type DatasetRecord,
  type OpenOptions,
  type TrainerDatabase,
} from './store-schema';
import { Serial } from './serial';
import { validatePayload } from './verify';

export interface StoreOptions extends OpenOptions {
  /** Test hooks that make a commit fail at a chosen point; never set in production. */
  readonly faults?: CommitFaults;
  /** Time for the reconnect backoff; tests inject a fake one. */
  readonly clock?: Clock;
  readonly backoff?: BackoffPolicy;
  /** Where the second copy goes; the origin private file system by default, none if null. */
  readonly mirror?: MirrorFiles | null;
  /** Storage figures, to tell a full disk from other failures. */
  readonly estimate?: EstimateStorage;
  /** Whether the browser granted persistent storage (for the eviction notice). */
  readonly persisted?: () => Promise<boolean | null>;
}

export interface CommitResult {
  /** Ids of the snapshots deleted by retention (and by quota recovery, if it ran). */
  readonly pruned: string[];
  /** Set when the site's storage had been cleared and the run was written again from memory. */
  readonly recovered: StorageEvictedError | null;
  /** The second copy's cost, or why it failed (the commit stands either way); null: none. */
  readonly mirror: MirrorCost | { readonly error: string } | null;
}

export interface RestoredRun {
  readonly runId: string;
  readonly name: string;
  readonly step: number;
  readonly at: number;
}

/** Connection attempts one commit makes before it reports the fault and leaves it to the next. */
const COMMIT_ATTEMPTS = 4;
/** A read retries once on a fresh connection. */
const READ_ATTEMPTS = 2;

/** How long a write may take to report its own error after its connection was closed. */
const SETTLE_AFTER_CLOSE_MS = 1000;

/**
 * The write's own result, unless its connection is closed and the write has not settled soon
 * after (a transaction that would otherwise hang): the write's error (UnknownError for a
 * refused write) says more than the close, so it wins whenever it arrives in time.
 */
async function untilLost<T>(writing: Promise<T>, live: Live): Promise<T> {
  writing.catch(() => undefined);
  const lost = live.lost.catch(async (closed: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(closed), SETTLE_AFTER_CLOSE_MS);
    });
    try {
      return await Promise.race([writing, late]);
    } finally {
      clearTimeout(timer);
    }
  });
  return Promise.race([writing, lost]);
}

const browserPersisted = async (): Promise<boolean | null> =>
  (await (
    globalThis.navigator as { storage?: StorageManager } | undefined
  )?.storage?.persisted?.()) ?? null;

/**
 * The worker's IndexedDB store of runs, snapshots, tensors and datasets. A snapshot exists
 * only once its commit transaction has completed; every read of tensors is verified. Commits
 * run one at a time and outlive their connection: a connection the browser closed, or that
 * closed for another tab's upgrade, is reopened with backoff for the next operation.
 */
export class SnapshotStore {
  private readonly commits = new Serial();
  /** The newest committed snapshot per run, known even while the database is unreachable. */
  private readonly newest = new Map<string, NewestSnapshot>();
  /** Dataset texts already checked against their hash, by id. */
  private readonly verifiedText = new Map<string, string>();

  private constructor(
    private readonly connection: StoreConnection,
    private readonly faults: CommitFaults,
    private readonly mirror: SnapshotMirror | null,
    private readonly estimate: EstimateStorage,
    private readonly persisted: () => Promise<boolean | null>,
  ) {}

  static async open(options: StoreOptions = {}): Promise<SnapshotStore> {
    const connection = new StoreConnection(options, options.clock, options.backoff);
    const files = options.mirror === undefined ? opfsFiles() : options.mirror;
    const store = new SnapshotStore(
      connection,
      options.faults ?? {},
      files === null ? null : new SnapshotMirror(files),
      options.estimate ?? browserEstimate,
      options.persisted ?? browserPersisted,
    );
    await store.use(async () => undefined);
    return store;
  }

  close(): void {
    this.connection.close();
  }

  /** Must not return text that no longer matches its hash. */
  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    const record = await this.use((db) => db.get('datasets', id));
    if (record !== undefined) await checkDataset(record);
    return record;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.use((db) => db.get('runs', id));
  }

  /** Newest first by creation time. */
  async listRuns(): Promise<RunRecord[]> {
    const runs = await this.use((db) => db.getAll('runs'));
    return runs.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /** The second copy goes first: a run deleted on purpose must never come back from it. */
  deleteRun(id: string): Promise<void> {
    return this.commits.run(async () => {
      await this.mirror?.remove({ id });
      await this.use((db) => removeRun(db, id));
      this.newest.delete(id);
    });
  }

  /**
   * Commits a snapshot atomically with its retention pruning and, where `write` says so, its
   * run record and training text. One commit at a time. A connection found closed is reopened
   * (with backoff) and the commit tried again; a quota failure prunes harder and retries once.
   * Must leave the previous snapshot the newest, intact, whenever it throws, and must never
   * delete the run's last good snapshot. A bare RunRecord is a new run without its text.
   */
  async commitSnapshot(
    payload: SnapshotPayload<TensorBytes>,
    policy: RetentionPolicy = DEFAULT_RETENTION,
    runWrite: RunWrite | null = null,
  ): Promise<CommitResult> {
    checkPolicy(policy);
    validatePayload(payload);
    const { manifest } = payload;
    if (runWrite !== null) {
      if (
        runWrite.run.id !== manifest.runId ||
        (runWrite.isNew && runWrite.run.latestSnapshotId !== null)
      ) {
        throw new SnapshotError("A new run must be the snapshot's run and have no snapshot yet.");
      }
      if (runWrite.isNew && runWrite.dataset === null) {
        throw new SnapshotError('A new run must be written with its training text.');
      }
      if (runWrite.dataset !== null) {
        if (runWrite.dataset.id !== manifest.dataset.id) {
          throw new SnapshotError("The training text given is not the snapshot's dataset.");
        }
        await this.checkText(runWrite.dataset);
      }
    }
    return this.commits.run(() => this.commitDurably(payload, policy.keepLast, runWrite, true));
  }

  private async commitDurably(
    payload: SnapshotPayload<TensorBytes>,
    keepLast: number,
    write: RunWrite | null,
    mirror: boolean,
  ): Promise<CommitResult> {
    const { step, runId } = payload.manifest;
    let freed: string[] | null = null;
    let lastError: unknown = null;
    let connectionLost = false;
    let ioFailure = false;
    const note = (err: unknown) => {
      lastError = err;
      if ((err as { name?: unknown } | null)?.name === 'UnknownError') ioFailure = true;
    };
    for (let attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
      let live: Live;
      try {
        live = await this.connection.acquire();
      } catch (err) {
        note(err);
        connectionLost = true;
        if (err instanceof VersionTooOldError) break;
        continue;
      }
      try {
        const mayRecreate = this.connection.recreated && this.newest.has(runId);
        const outcome = await untilLost(
          writeSnapshot(live.db, payload, keepLast, attempt, this.faults, write, mayRecreate),
          live,
        );
        this.connection.healthy();
        this.newest.set(runId, { step, at: payload.manifest.createdAt });
        const recovered = outcome.recreatedRun
          ? new StorageEvictedError({
              runName: outcome.run.name,
              rewrittenStep: step,
              persisted: await this.persisted().catch(() => null),
            })
          : null;
        return {
          pruned: [...(freed ?? []), ...outcome.pruned],
          recovered,
          mirror: mirror ? await this.writeMirror(live.db, payload, outcome.run, write) : null,
        };
      } catch (err) {
        note(err);
        connectionLost = isConnectionLoss(err, live);
        if (connectionLost) {
          this.connection.invalidate(live);
          continue;
        }
        if ((err as Error).name === 'UnknownError') {
          // A failed write; Chromium usually closes the connection right after (a full
          // disk). Wait a backoff step and try again, on a new connection if it was closed.
          this.connection.backoff.failed();
          await this.connection.backoff.ready();
          continue;
        }
        if (isQuotaError(err) && freed === null) {
          try {
            freed = await pruneForSpace(live.db, runId);
          } catch (pruneErr) {
            lastError = pruneErr;
            connectionLost = isConnectionLoss(pruneErr, live);
            if (!connectionLost) break;
            this.connection.invalidate(live);
          }
          continue;
        }
        if ((err as Error).name === 'RunNotFoundError' && this.connection.recreated) {
          const run = write?.run.name ?? runId;
          const persisted = await this.persisted().catch(() => null);
          throw new StorageEvictedError({ runName: run, rewrittenStep: null, persisted });
        }
        break;
      }
    }
    throw await commitFault(lastError, {
      step,
      bytes: payload.manifest.bytes,
      newest: this.newest.get(runId) ?? null,
      estimate: this.estimate,
      connectionLost,
      ioFailure,
    });
  }

  /** After a commit: the run's newest snapshot into the second copy. Never fails the commit. */
  private async writeMirror(
    db: TrainerDatabase,
    payload: SnapshotPayload<TensorBytes>,
    run: RunRecord,
    write: RunWrite | null,
  ): Promise<CommitResult['mirror']> {
    if (this.mirror === null) return null;
    try {
      const dataset =
        write?.dataset ?? (await db.get('datasets', payload.manifest.dataset.id)) ?? null;
      return await this.mirror.write({ run, dataset, payload });
    } catch (err) {
      return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }

  /**
   * Boot: every run the second copy holds and IndexedDB lacks (a database the browser
   * discarded) is written back, run, text and snapshot in one transaction. Reports each.
   */
  async restoreFromMirror(): Promise<{ restored: RestoredRun[]; skipped: MirrorSkip[] }> {
    const restored: RestoredRun[] = [];
    const skipped: MirrorSkip[] = [];
    if (this.mirror === null) return { restored, skipped };
    for (const { runId, file } of await this.mirror.list()) {
      // Only a run IndexedDB lacks is read (and its hashes checked): boot stays cheap.
      if ((await this.use((db) => db.getKey('runs', runId))) !== undefined) continue;
      let record;
      try {
        record = await this.mirror.read(file);
        if (record === null) continue;
        if (record.run.id !== runId) throw new Error(`it holds run ${record.run.id}`);
        if (record.dataset !== null) await this.checkText(record.dataset);
      } catch (err) {
        skipped.push({ file, reason: err instanceof Error ? err.message : String(err) });
        continue;
      }
      const { run, dataset, payload } = record;
      const write: RunWrite = { run: { ...run, latestSnapshotId: null }, dataset, isNew: true };
      await this.commits.run(() =>
        this.commitDurably(payload, DEFAULT_RETENTION.keepLast, write, false),
      );
      const { step, createdAt } = payload.manifest;
      restored.push({ runId: run.id, name: run.name, step, at: createdAt });
    }
    return { restored, skipped };
  }

  /** Newest first: by step, then by creation time. */
  listSnapshots(runId: string): Promise<SnapshotManifest[]> {
    return this.use((db) => runSnapshots(db, runId));
  }

  pinSnapshot(id: string, pinned: boolean): Promise<void> {
    return this.use(async (db) => {
      const tx = db.transaction('snapshots', 'readwrite');
      await inTransaction(tx, async () => {
        const manifest = await tx.store.get(id);
        if (manifest === undefined) throw new SnapshotNotFoundError(id);
        await tx.store.put({ ...manifest, pinned });
      });
    });
  }

  deleteSnapshot(id: string): Promise<void> {
    return this.commits.run(() => this.use((db) => removeSnapshot(db, id)));
  }

  loadSnapshot(id: string): Promise<SnapshotPayload> {
    return this.use((db) => loadSnapshot(db, id));
  }

  /** The stored Blobs of a snapshot, every tensor verified, for an export. */
  loadSnapshotBlobs(id: string): Promise<SnapshotPayload<TensorBytes>> {
    return this.use((db) => loadSnapshotBlobs(db, id));
  }

  async loadLatestGood(runId: string, fromSnapshotId?: string): Promise<LatestGood> {
    const latest = await this.use((db) => loadLatestGood(db, runId, fromSnapshotId));
    const { step, createdAt } = latest.payload.manifest;
    if (!this.newest.has(runId)) this.newest.set(runId, { step, at: createdAt });
    return latest;
  }

  private async checkText(record: DatasetRecord): Promise<void> {
    if (this.verifiedText.get(record.id) === record.text) return;
    await checkDataset(record);
    this.verifiedText.set(record.id, record.text);
  }

  /**
   * Runs `op` on the store's connection (reopened once if found closed), for the job store,
   * which shares this connection and its backoff. `op` must be safe to run twice: its first
   * try may have committed before the connection was found closed.
   */
  withDb<T>(op: (db: TrainerDatabase) => Promise<T>): Promise<T> {
    return this.use(op);
  }

  /** Runs `op` on a live connection, reopening once if it finds the connection closed. */
  private async use<T>(op: (db: TrainerDatabase) => Promise<T>): Promise<T> {
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
      let live: Live;
      try {
        live = await this.connection.acquire();
      } catch (err) {
        lastError = err;
        if (err instanceof VersionTooOldError) break;
        continue;
      }
      try {
        return await op(live.db);
      } catch (err) {
        if (!isConnectionLoss(err, live)) throw err;
        lastError = err;
        this.connection.invalidate(live);
      }
    }
    if (lastError instanceof VersionTooOldError) {
      throw new StoreVersionError({ found: lastError.found, supported: DB_VERSION, newest: null });
    }
    const cause =
      lastError instanceof Error ? `${lastError.name}: ${lastError.message}` : String(lastError);
    throw new StorageClosedError({ step: null, newest: null, cause });
  }
}
