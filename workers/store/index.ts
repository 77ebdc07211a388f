// The store's public surface: the one way worker code (and the bench) reaches storage. Unit
// tests import this too, and reach internals only through ./testing.ts.
export { SnapshotStore, type CommitResult, type StoreOptions } from './snapshot-store';
export type { StorageGateway } from './gateway';
export { JobStore } from './job-store';
export type { BatchOutcome } from './job-commit';
export type { RestoredRun } from './snapshot-mirror';
export { tensorRecord, hashedRecord, expectedByteLength } from './tensor-record';
export { DEFAULT_RETENTION, type RetentionPolicy } from './retention';
export { lineOf, rewindTarget } from './lineage';
export type { RunWrite } from './snapshot-commit';
export type { LatestGood } from './load';
export { isQuotaError } from './quota';
export { Backoff, pauseFor, realClock, type BackoffPolicy, type Clock } from './backoff';
export { isNotFound, opfsFolderFiles, opfsRoot } from './mirror-files';
export { DEFAULT_DB_NAME, type DatasetRecord, type DatasetText } from './store-schema';
