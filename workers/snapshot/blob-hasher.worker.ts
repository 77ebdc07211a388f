import { serveHashing } from './blob-hasher';

// Started by the training worker (copy-lane.ts): Blobs and SHA-256 digests off its thread.
serveHashing(self as DedicatedWorkerGlobalScope);
