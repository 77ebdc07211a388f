import * as tf from '@tensorflow/tfjs';
import { version as appVersion } from '../../package.json';
import { kernelStack } from '../training/ops/kernel-set';
import type { BackendName, RunConfig } from '../../src/shared/config';
import type {
  DatasetInfo,
  HostState,
  SnapshotManifest,
  SnapshotTrigger,
  TensorDType,
  TensorRecord,
} from '../../src/shared/snapshot';
import { serializeError, type SerializedError } from '../../src/shared/errors';
import { hashedRecord, type CommitResult, type RunWrite, type SnapshotStore } from '../store';
import type { SnapshotTarget } from '../training/snapshot-port';
import { disposeCaptured, tensorBytes, type CapturedState } from '../training/state-capture';
import { copyLane } from './copy-lane';
import { stageOnHost } from './host-staging';
import { dropWebGlReadCache } from './webgl-cache';
import { stageOnWebGl, type Fetch, type WebGlStaged } from './webgl-staging';
import { stageOnGpu } from './webgpu-staging';

export interface SnapshotContext {
  readonly runId: string;
  readonly config: RunConfig;
  readonly dataset: DatasetInfo;
  readonly backend: BackendName;
  readonly keepLast: number;
  /**
   * The run and its training text: a new run is written with its first snapshot in one
   * transaction; an existing one is written again from memory if the site's storage was
   * cleared under it. Null: the run must already be stored.
   */
  readonly write?: RunWrite | null;
}

export interface Captured {
  readonly state: CapturedState;
  readonly trigger: SnapshotTrigger;
  readonly capturedAt: number;
  readonly stallMs: number;
  readonly valLoss: number | null;
  /** The newest commit of the state's line when it was captured (null: the run's first). */
  readonly parentId: string | null;
}

export interface Committed {
  readonly manifest: SnapshotManifest;
  readonly stallMs: number;
  readonly persistMs: number;
  /** Set when the site's storage had been cleared and this snapshot wrote the run again. */
  readonly recovered: SerializedError | null;
  /** What the second copy (OPFS) cost, or why it failed; null where there is none. */
  readonly mirror: CommitResult['mirror'];
}

/**
 * Readbacks are issued together up to this many bytes. On a GPU each readback waits for the
 * queue, which the training loop keeps filling: read one tensor at a time and a snapshot of a
 * hundred tensors waits behind a hundred training steps. Reading in chunks waits a few times
 * and still bounds the JS memory a snapshot holds at once.
 */
export const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** Consecutive groups of tensors of at most READ_CHUNK_BYTES each (a larger tensor alone). */
export function readChunks<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const bytes = bytesOf(item);
    if (current.length > 0 && size + bytes > READ_CHUNK_BYTES) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A new snapshot's manifest from its host state, context and hashed tensors. */
export function snapshotManifest(
  host: HostState,
  ctx: SnapshotContext,
  trigger: SnapshotTrigger,
  records: TensorRecord[],
  data: readonly Blob[],
  extra: { readonly valLoss: number | null; readonly parentId: string | null },
): SnapshotManifest {
  return {
    ...host,
    id: crypto.randomUUID(),
    runId: ctx.runId,
    createdAt: Date.now(),
    trigger,
    config: ctx.config,
    dataset: ctx.dataset,
    backend: ctx.backend,
    appVersion,
    // tfjs's version and the trainer's kernels on this backend: what decides the last bits.
    tfjsVersion: kernelStack(),
    tensors: records,
    bytes: data.reduce((sum, d) => sum + d.size, 0),
    valLoss: extra.valLoss,
    pinned: false,
    parentId: extra.parentId,
  };
}

/**
 * Phase two: read the captured tensors back, release the device references, have the copy lane
 * move their bytes into Blobs and hash them (the snapshot hasher, a worker of its own, where
 * there is one: copy-lane.ts), and commit everything in one transaction. Its synchronous start
 * runs at the step boundary, before the loop's next step: the readbacks are staged there (on
 * the CPU backend its largest tensors are copied out there), and that time counts as stall.
 */
export async function persistSnapshot(
  store: SnapshotStore,
  captured: Captured,
  ctx: SnapshotContext,
): Promise<Committed> {
  const records: TensorRecord[] = [];
  const data: Blob[] = [];
  const stagingStarted = performance.now();
  let stagingMs: number;
  let webgl: WebGlStaged | null = null;
  try {
    // Must run before the first await: the copies are queued ahead of the next training step.
    const tensors = captured.state.tensors.map(([, t]) => t);
    const lane = copyLane();
    const onGpu = stageOnGpu(tensors);
    webgl = stageOnWebGl(tensors, lane);
    const onGl = webgl.fetches;
    const onHost = stageOnHost(tensors, undefined, lane);
    const viaLane = (bytes: ArrayBuffer | ArrayBufferView) => {
      const view = ArrayBuffer.isView(bytes)
        ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : new Uint8Array(bytes);
      return lane.copy(view.byteLength, (into) => into.set(view));
    };
    const entries = captured.state.tensors.map(([name, tensor], i) => {
      const gpu = onGpu[i];
      const host = onHost[i];
      const fetch: Fetch =
        host?.fetch ??
        onGl[i] ??
        (gpu != null
          ? async () => {
              const { bytes, release } = await gpu();
              try {
                return await viaLane(bytes);
              } finally {
                release();
              }
            }
          : async () => {
              const bytes = await tensorBytes(tensor);
              dropWebGlReadCache(tensor);
              return viaLane(bytes);
            });
      const copied = host?.copied === true;
      return { name, tensor, copied, staged: copied || onGl[i] != null, fetch };
    });
    // Bytes copied out or staged on the GPU no longer need the capture: freed before the next
    // step, which would otherwise keep the old buffers alive beside the new ones.
    for (const e of entries) if (e.staged) e.tensor.dispose();
    stagingMs = performance.now() - stagingStarted;
    // Copied ones weigh nothing; the rest (GPU downloads, the part of a WASM or CPU state left
    // for the background) is read a chunk at a time, so that training steps run between chunks
    // and the digests in flight hold about one chunk.
    for (const chunk of readChunks(entries, (e) => (e.copied ? 0 : e.tensor.size * 4))) {
      const copied = await Promise.all(chunk.map((e) => e.fetch()));
      for (const [i, { name, tensor, staged }] of chunk.entries()) {
        const { blob, sha256 } = copied[i]!;
        const dtype = tensor.dtype as TensorDType;
        records.push(await hashedRecord(name, dtype, tensor.shape, blob.size, sha256));
        data.push(blob);
        // Read ones: the reference dropped at once (GPU backends cache a read tensor's values
        // in JS until it is disposed). A snapshot holds about one chunk at a time.
        if (!staged) tensor.dispose();
      }
    }
  } finally {
    webgl?.dispose();
    disposeCaptured(captured.state);
  }
  const manifest = snapshotManifest(captured.state.host, ctx, captured.trigger, records, data, {
    valLoss: captured.valLoss,
    parentId: captured.parentId,
  });
  const policy = { keepLast: ctx.keepLast };
  const result = await store.commitSnapshot({ manifest, data }, policy, ctx.write ?? null);
  return {
    manifest,
    stallMs: captured.stallMs + stagingMs,
    persistMs: performance.now() - captured.capturedAt,
    recovered: result.recovered === null ? null : serializeError(result.recovered),
    mirror: result.mirror,
  };
}

/** A captured state and whether its run is new (written with this, its first snapshot). */
export interface Job {
  readonly captured: Captured;
  readonly isNew: boolean;
}

/** Where a job of the active run goes: its run, config, dataset, backend, retention and rows. */
export function targetContext(
  { run, dataset }: SnapshotTarget,
  job: Job,
  keepLast: number,
): SnapshotContext {
  return {
    runId: run.id,
    config: run.config,
    dataset: dataset.info,
    // A resume may have switched backends: the one this state was computed on.
    backend: tf.getBackend() as BackendName,
    // A rewind prunes nothing: the snapshots from before a spike are what a person wants
    // to fork from with a lower learning rate. The next ordinary commit prunes as usual.
    keepLast: job.captured.trigger === 'rewind' ? Number.MAX_SAFE_INTEGER : keepLast,
    // The run and its text: written with its first snapshot, and written again from
    // memory if the site's storage was cleared under it.
    write: {
      run,
      // A run on token shards stores no text: its corpus is named in dataset.info.
      dataset:
        dataset.bytes === null
          ? null
          : { id: dataset.info.id, name: dataset.info.name, bytes: dataset.bytes },
      isNew: job.isNew,
    },
  };
}
