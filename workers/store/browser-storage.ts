/** The origin's storage figures, as navigator.storage.estimate() gives them. */
export type EstimateStorage = () => Promise<{ usage?: number; quota?: number } | null>;

/** Whether the browser granted persistent storage; null where it cannot say. */
export type PersistedStorage = () => Promise<boolean | null>;

const storageManager = (): StorageManager | undefined =>
  (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;

export const browserEstimate: EstimateStorage = async () =>
  (await storageManager()?.estimate?.()) ?? null;

export const browserPersisted: PersistedStorage = async () =>
  (await storageManager()?.persisted?.()) ?? null;
