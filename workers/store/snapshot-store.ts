import { errorText, StorageEvictedError, type NewestSnapshot } from '../../src/shared/errors';
import { newestFirst } from '../../src/shared/newest-first';
import type {
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
  TensorBytes,
} from '../../src/shared/snapshot';
import {
  browserEstimate,
  browserPersisted,
  type EstimateStorage,
  type PersistedStorage,
} from './browser-storage';
import { commitDurably, type DurableContext } from './durable-commit';
import { StorageGateway, type GatewayOptions } from './gateway';
import {
  loadLatestGood,
  loadSnapshot,
  loadSnapshotBlobs,
  runSnapshots,
  type LatestGood,
} from './load';
import { MIRROR_DIRECTORY, opfsFiles, type MirrorFiles } from './mirror-files';
import { checkPolicy, DEFAULT_RETENTION, type RetentionPolicy } from './retention';
import { checkDataset, datasetText } from './dataset-bytes';
import { removeRun, removeSnapshot, setPinned } from './run-admin';
import { Serial } from './serial';
import { SnapshotMirror, type MirrorSkip, type RestoredRun } from './snapshot-mirror';
import { checkRunWrite, type RunWrite } from './snapshot-commit';
import type { DatasetText } from './store-schema';
import { MirrorWriter, type MirrorOutcome } from './mirror-writer';
import { validatePayload } from './verify';

export interface StoreOptions extends GatewayOptions {
  /** Where the second copy goes; the origin private file system by default, none if null. */
  readonly mirror?: MirrorFiles | null;
  /** Storage figures, to tell a full disk from other failures. */
  readonly estimate?: EstimateStorage;
  /** Whether the browser granted persistent storage (for the eviction notice). */
  readonly persisted?: PersistedStorage;
}

export interface CommitResult {
  /** Ids of the snapshots deleted by retention (and by quota recovery, if it ran). */
  readonly pruned: string[];
  /** Set when the site's storage had been cleared and the run was written again from memory. */
  readonly recovered: StorageEvictedError | null;
  /** The second copy's cost, or why it failed (the commit stands either way); null: none. */
  readonly mirror: MirrorOutcome | null;
}

/**
 * The repository of runs, snapshots, tensors and datasets, on the storage gateway. A snapshot
 * exists only once its commit transaction has completed; every read of tensors is verified.
 * Commits run one at a time and outlive their connection (the gateway reopens it with backoff).
 */
export class SnapshotStore {
  private readonly commits = new Serial();
  /** The newest committed snapshot per run, known even while the database is unreachable. */
  private readonly newest = new Map<string, NewestSnapshot>();
  /** Dataset texts already checked against their hash, by id: the very bytes checked. */
  private readonly verifiedText = new Map<string, Uint8Array>();
  /** Each commit's second copy, when there is one. */
  private readonly mirrorWriter: MirrorWriter | null;

  private readonly durable: DurableContext;

  private constructor(
    /** The storage gateway this store was opened on, shared with the job store. */
    readonly gateway: StorageGateway,
    private readonly mirror: SnapshotMirror | null,
    estimate: EstimateStorage,
    persisted: PersistedStorage,
  ) {
    this.durable = { gateway, newest: this.newest, estimate, persisted };
    this.mirrorWriter = mirror === null ? null : new MirrorWriter(mirror);
  }

  /** Opens the worker's storage gateway and this store on it. */
  static async open(options: StoreOptions = {}): Promise<SnapshotStore> {
    const gateway = await StorageGateway.open(options);
    const files = options.mirror === undefined ? opfsFiles() : options.mirror;
    return new SnapshotStore(
      gateway,
      files === null ? null : new SnapshotMirror(files),
      options.estimate ?? browserEstimate,
      options.persisted ?? browserPersisted,
    );
  }

  close(): void {
    this.gateway.close();
  }

  /**
   * A stored training text's bytes (a run stored before texts were bytes gives its string's
   * UTF-8). Must not return a text that no longer matches its hash.
   */
  async getDataset(id: string): Promise<DatasetText | undefined> {
    const record = await this.gateway.use((db) => db.get('datasets', id));
    if (record === undefined) return undefined;
    const text = await datasetText(record);
    await checkDataset(text);
    return text;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.gateway.use((db) => db.get('runs', id));
  }

  /** Newest first (newestFirst: by creation time, then id). */
  async listRuns(): Promise<RunRecord[]> {
    const runs = await this.gateway.use((db) => db.getAll('runs'));
    return runs.sort(newestFirst);
  }

  /**
   * The second copy goes first: a run deleted on purpose must never come back from it. Its
   * text's copy goes after the rows, once no run uses the text (a text alone restores nothing).
   */
  deleteRun(id: string): Promise<void> {
    return this.commits.run(async () => {
      await this.mirror?.remove({ id });
      const deletedText = await this.gateway.use((db) => removeRun(db, id));
      this.newest.delete(id);
      if (deletedText !== null) await this.mirror?.removeText(deletedText).catch(() => undefined);
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
    if (runWrite !== null) {
      checkRunWrite(runWrite, payload.manifest);
      if (runWrite.dataset !== null) await this.checkText(runWrite.dataset);
    }
    return this.commits.run(() => this.commitDurably(payload, policy.keepLast, runWrite, true));
  }

  /** A durable commit (durable-commit.ts), then the store's own notes and the second copy. */
  private async commitDurably(
    payload: SnapshotPayload<TensorBytes>,
    keepLast: number,
    write: RunWrite | null,
    mirror: boolean,
  ): Promise<CommitResult> {
    const { outcome, pruned, db } = await commitDurably(this.durable, payload, keepLast, write);
    const { step, runId, createdAt } = payload.manifest;
    this.newest.set(runId, { step, at: createdAt });
    const recovered = outcome.recreatedRun
      ? new StorageEvictedError({
          runName: outcome.run.name,
          rewrittenStep: step,
          persisted: await this.durable.persisted().catch(() => null),
        })
      : null;
    return {
      pruned,
      recovered,
      mirror: mirror
        ? ((await this.mirrorWriter?.write(db, payload, outcome.run, write)) ?? null)
        : null,
    };
  }

  /**
   * Boot: every run the second copy holds and IndexedDB lacks (a database the browser
   * discarded) is written back, run, text and snapshot in one transaction. Reports each.
   */
  async restoreFromMirror(): Promise<{ restored: RestoredRun[]; skipped: MirrorSkip[] }> {
    const restored: RestoredRun[] = [];
    const skipped: MirrorSkip[] = [];
    if (this.mirror === null) return { restored, skipped };
    let copies: Awaited<ReturnType<SnapshotMirror['list']>>;
    try {
      copies = await this.mirror.list();
    } catch (err) {
      // A file system that refuses even its root (WebKit's automation profile rejects
      // getDirectory() with UnknownError) holds no copy to restore: the boot goes on without.
      skipped.push({ file: MIRROR_DIRECTORY, reason: errorText(err) });
      return { restored, skipped };
    }
    for (const { runId, file } of copies) {
      // Only a run IndexedDB lacks is read (and its hashes checked): boot stays cheap.
      if ((await this.gateway.use((db) => db.getKey('runs', runId))) !== undefined) continue;
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

  /** Newest first (newestFirst: by commit time, then step, then id). */
  listSnapshots(runId: string): Promise<SnapshotManifest[]> {
    return this.gateway.use((db) => runSnapshots(db, runId));
  }

  pinSnapshot(id: string, pinned: boolean): Promise<void> {
    return this.gateway.use((db) => setPinned(db, id, pinned));
  }

  deleteSnapshot(id: string): Promise<void> {
    return this.commits.run(() => this.gateway.use((db) => removeSnapshot(db, id)));
  }

  loadSnapshot(id: string): Promise<SnapshotPayload> {
    return this.gateway.use((db) => loadSnapshot(db, id));
  }

  /** The stored Blobs of a snapshot, every tensor verified, for an export. */
  loadSnapshotBlobs(id: string): Promise<SnapshotPayload<TensorBytes>> {
    return this.gateway.use((db) => loadSnapshotBlobs(db, id));
  }

  async loadLatestGood(runId: string, fromSnapshotId?: string): Promise<LatestGood> {
    const latest = await this.gateway.use((db) => loadLatestGood(db, runId, fromSnapshotId));
    const { step, createdAt } = latest.payload.manifest;
    if (!this.newest.has(runId)) this.newest.set(runId, { step, at: createdAt });
    return latest;
  }

  private async checkText(text: DatasetText): Promise<void> {
    if (this.verifiedText.get(text.id) === text.bytes) return;
    await checkDataset(text);
    this.verifiedText.set(text.id, text.bytes);
  }
}
