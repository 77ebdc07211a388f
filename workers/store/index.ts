// The store's public surface: what the worker and the tests import.
export {
  SnapshotStore,
  type CommitResult,
  type RestoredRun,
  type StoreOptions,
} from './snapshot-store';
export { tensorRecord, hashedRecord, expectedByteLength } from './tensor-record';
export { DEFAULT_RETENTION, type RetentionPolicy } from './retention';
export { isQuotaError } from './quota';
export type { CommitFaults, RunWrite } from './commit';
export type { LatestGood } from './load';
export { DEFAULT_DB_NAME, type DatasetRecord } from './store-schema';
