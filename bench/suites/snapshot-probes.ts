import type { TensorDType, TensorRecord } from '../../src/shared/snapshot';
import {
  SnapshotStore,
  captureState,
  decodeFile,
  disposeCaptured,
  exportSnapshot,
  reloadDataset,
  restorePayload,
  snapshotManifest,
  tensorBytes,
  tensorRecord,
  writeRunFrom,
  type SnapshotContext,
  type TrainingSession,
} from '../../workers/bench-surface';
import type { PersistBreakdown } from '../bench-api';
import { median, round, timedMedian } from './stats';

function lap(from: number): number {
  return round(performance.now() - from);
}

/**
 * persistSnapshot's steps one after another, each timed on its own, on a paused session: all
 * readbacks, then all hashes, then all Blobs, then the same commitSnapshot. A diagnostic only:
 * unlike persistSnapshot it holds every tensor's bytes at once.
 */
export async function persistBreakdown(
  session: TrainingSession,
  store: SnapshotStore,
  ctx: SnapshotContext,
): Promise<PersistBreakdown> {
  const state = captureState(session);
  try {
    let t = performance.now();
    const bytes: ArrayBuffer[] = [];
    for (const [, tensor] of state.tensors) bytes.push(await tensorBytes(tensor));
    const readback_ms = lap(t);
    t = performance.now();
    const records: TensorRecord[] = [];
    for (const [i, [name, tensor]] of state.tensors.entries()) {
      const dtype = tensor.dtype as TensorDType;
      records.push(await tensorRecord(name, dtype, tensor.shape, bytes[i]!));
    }
    const hash_ms = lap(t);
    t = performance.now();
    const data = bytes.map((b) => new Blob([b]));
    const blob_ms = lap(t);
    const manifest = snapshotManifest(state.host, ctx, 'manual', records, data, {
      valLoss: null,
      parentId: null,
    });
    t = performance.now();
    await store.commitSnapshot({ manifest, data }, { keepLast: ctx.keepLast });
    const commit_ms = lap(t);
    const total_ms = round(readback_ms + hash_ms + blob_ms + commit_ms);
    return { readback_ms, hash_ms, blob_ms, commit_ms, total_ms };
  } finally {
    disposeCaptured(state);
  }
}

/**
 * TrainerController.resumeRun and the first step after it, on a backend that is already up:
 * open the store, read the run and its text, re-hash the text, load and verify the newest
 * snapshot, rebuild the session (`loadMs`), then one trainStep (`totalMs`). Medians.
 */
export async function resumeMs(dbName: string, runId: string, reps: number) {
  const load: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    const store = await SnapshotStore.open({ name: dbName });
    try {
      const run = (await store.getRun(runId))!;
      const text = (await store.getDataset(run.dataset.id))!;
      // Read as the run's config says (characters or bytes, lines or prose), as resumeRun does.
      const dataset = await reloadDataset(run.dataset, text.bytes, run.config);
      const { payload } = await store.loadLatestGood(runId);
      const session = await restorePayload(run.config, dataset.data, payload);
      load.push(performance.now() - started);
      await session.trainStep();
      total.push(performance.now() - started);
      session.dispose();
    } finally {
      store.close();
    }
  }
  return { loadMs: round(median(load)), totalMs: round(median(total)) };
}

/** exportSnapshot of the run's newest snapshot, and the file read to its end as a download is. */
export async function exportFile(store: SnapshotStore, runId: string) {
  const run = (await store.getRun(runId))!;
  const { blob } = await exportSnapshot(store, run, run.latestSnapshotId!);
  const reader = blob.stream().getReader();
  let bytes = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
  return { blob, bytes };
}

/** decodeFile (every check and hash) and writeRunFrom (a new run and its snapshot committed). */
export function importMs(store: SnapshotStore, file: Blob, reps: number): Promise<number> {
  const imported: string[] = [];
  return timedMedian(reps, async () => {
    const run = await writeRunFrom(store, await decodeFile(file), null, null);
    imported.push(run.id);
  }).finally(async () => {
    for (const id of imported) await store.deleteRun(id);
  });
}
