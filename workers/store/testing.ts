/**
 * The store's test entry: what unit tests reach beyond the public surface (./index.ts), on
 * purpose and in one place. Worker code never imports it: the fault hooks, the injectable
 * clock, backoff, mirror files and storage figures exist for tests, and a raw connection
 * bypasses the gateway's retries.
 */
export type { FaultHooks, CommitPoint, SnapshotPoint, BatchPoint } from './fault-hooks';
export { Backoff, DEFAULT_BACKOFF, type BackoffPolicy, type Clock } from './backoff';
export type { MirrorFiles } from './mirror-files';
export { mirrorFileName, mirrorTextName } from './mirror-record';
export type { EstimateStorage, PersistedStorage } from './browser-storage';
export { isQuotaError } from './quota';
export { bestByValLoss, guardAnchor, selectPrunable } from './retention';
export { DB_VERSION, openTrainerDb, type TrainerDatabase } from './store-schema';
