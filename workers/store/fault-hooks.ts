/** Where a commit stands when a hook runs. */
export interface CommitPoint {
  /** The raw connection, so a test can force-close it exactly there. */
  readonly connection: IDBDatabase;
  /** Fails the commit's transaction there, as a failing write would. */
  readonly abort: () => void;
}

/** A snapshot's commit (snapshot-commit.ts). */
export interface SnapshotPoint extends CommitPoint {
  readonly snapshotId: string;
  /** Write attempts so far, from 1: reconnects and the quota retry each add one. */
  readonly attempt: number;
}

/** A job batch's commit (job-commit.ts): the batch of items from index `from`. */
export interface BatchPoint extends CommitPoint {
  readonly jobId: string;
  readonly from: number;
}

/** Before the transaction exists there is nothing to abort. */
type Before<P extends CommitPoint> = Omit<P, 'abort'>;

/**
 * The store's test hooks, one set for every commit it makes; never set in production. They
 * run synchronously inside the commit, so a hook that throws or aborts fails the commit
 * exactly where a failing write would. Given once, to the store's options, and read by both
 * repositories from the gateway.
 */
export interface FaultHooks {
  /** A snapshot's commit, before its transaction is created (force-close the connection here). */
  beforeTransaction?(point: Before<SnapshotPoint>): void;
  /** Before each tensor put. */
  beforeTensorPut?(point: SnapshotPoint & { readonly name: string; readonly index: number }): void;
  /** Before the manifest put, after the tensor puts are issued. */
  beforeManifestPut?(point: SnapshotPoint): void;
  /** Before the run's pointer put. */
  beforePointerPut?(point: SnapshotPoint): void;
  /** After every write of the snapshot's commit is issued, before the transaction is awaited. */
  afterWrites?(point: SnapshotPoint): void;

  /** A job batch's commit, before its transaction is created. */
  beforeBatchTransaction?(point: Before<BatchPoint>): void;
  /** Before the batch's results are put. */
  beforeResultsPut?(point: BatchPoint): void;
  /** Before the job record (its cursor) is put. */
  beforeCursorPut?(point: BatchPoint): void;
  /** After every write of the batch's commit is issued, before the transaction is awaited. */
  afterBatchWrites?(point: BatchPoint): void;
}
