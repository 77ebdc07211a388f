import * as tf from '@tensorflow/tfjs';
import { version as appVersion } from '../../package.json';
import type { BackendName, RunConfig } from '../../src/shared/config';
import type {
  DatasetInfo,
  SnapshotManifest,
  SnapshotTrigger,
  TensorDType,
  TensorRecord,
} from '../../src/shared/snapshot';
import { tensorRecord, type SnapshotStore } from '../store';
import { disposeCaptured, tensorBytes, type CapturedState } from '../training/state-capture';

export interface SnapshotContext {
  readonly runId: string;
  readonly config: RunConfig;
  readonly dataset: DatasetInfo;
  readonly backend: BackendName;
  readonly keepLast: number;
}

export interface Captured {
  readonly state: CapturedState;
  readonly trigger: SnapshotTrigger;
  readonly capturedAt: number;
  readonly stallMs: number;
  readonly valLoss: number | null;
}

export interface Committed {
  readonly manifest: SnapshotManifest;
  readonly stallMs: number;
  readonly persistMs: number;
}

/**
 * Phase two: read each captured tensor back, hash it, release its device reference, and commit
 * everything in one transaction. Tensors are read one at a time and moved into Blobs.
 */
export async function persistSnapshot(
  store: SnapshotStore,
  captured: Captured,
  ctx: SnapshotContext,
): Promise<Committed> {
  const records: TensorRecord[] = [];
  const data: Blob[] = [];
  try {
    for (const [name, tensor] of captured.state.tensors) {
      const bytes = await tensorBytes(tensor);
      records.push(await tensorRecord(name, tensor.dtype as TensorDType, tensor.shape, bytes));
      // Into a Blob at once: the browser keeps its bytes outside the JS heap, so the readback
      // holds one tensor in JS memory at a time, not the whole state until the commit.
      data.push(new Blob([bytes]));
    }
  } finally {
    disposeCaptured(captured.state);
  }
  const manifest: SnapshotManifest = {
    ...captured.state.host,
    id: crypto.randomUUID(),
    runId: ctx.runId,
    createdAt: Date.now(),
    trigger: captured.trigger,
    config: ctx.config,
    dataset: ctx.dataset,
    backend: ctx.backend,
    appVersion,
    tfjsVersion: tf.version.tfjs,
    tensors: records,
    bytes: data.reduce((sum, d) => sum + d.size, 0),
    valLoss: captured.valLoss,
    pinned: false,
  };
  await store.commitSnapshot({ manifest, data }, { keepLast: ctx.keepLast });
  return {
    manifest,
    stallMs: captured.stallMs,
    persistMs: performance.now() - captured.capturedAt,
  };
}
