import * as tf from '@tensorflow/tfjs';
import { deleteDB } from 'idb';
import {
  DEFAULT_CONFIG,
  validateConfig,
  type BackendName,
  type RunConfig,
} from '../../src/shared/config';
import { elementCount, modelSpec, stateBytes } from '../../src/shared/model-spec';
import {
  SnapshotStore,
  TrainingSession,
  bundledDataset,
  checkBatchFits,
  newRunRecord,
  selectBackend,
  type LoadedDataset,
  type SnapshotContext,
} from '../../workers/bench-surface';
import type { SnapshotsCase, SnapshotsRow } from '../bench-api';
import { SnapshotLoop } from './snapshot-loop';
import { exportFile, importMs, persistBreakdown, resumeMs } from './snapshot-probes';
import { emptySnapshotsRow } from './snapshot-row';
import { measureTraining, wasmMemory } from './snapshot-training';
import { mbPerS, messageOf, progress, round, timedMedian } from './stats';
import { randomBytes, rawIdbPutMs, rawOpfsWriteMs, tfjsSave } from './storage-probes';
import { deviceName } from './training';

/** The bench's own database, deleted before and after: never the app's `tab-trainer`. */
const DB_NAME = 'bench-snapshots';

function shapeOf(config: RunConfig, vocab: number) {
  const bytes = modelSpec(config, vocab).map((v) => elementCount(v.shape) * 4);
  return {
    state_bytes: stateBytes(config, vocab),
    tensors: bytes.length * 3 + 3,
    largest_tensor_bytes: Math.max(...bytes),
  };
}

/**
 * One model size on one forced backend, in a fresh worker: training with and without the
 * snapshot timer, the heap phase, then the one-off measurements. The runner fills in the heap.
 */
export async function runSnapshotsCase(spec: SnapshotsCase): Promise<SnapshotsRow> {
  let row = emptySnapshotsRow(spec);
  try {
    const config = validateConfig({ ...DEFAULT_CONFIG, ...spec.config, steps: 0 });
    const dataset = await bundledDataset();
    checkBatchFits(config, dataset);
    row = { ...row, config, ...shapeOf(config, dataset.data.vocab.length) };
    const started = performance.now();
    let chosen;
    try {
      chosen = (await selectBackend(spec.backend === 'auto' ? null : spec.backend)).backend;
    } catch (err) {
      return { ...row, status: 'unavailable', reason: messageOf(err) };
    }
    row = { ...row, backend_start_ms: round(performance.now() - started) };
    // `auto` rows name what the trainer chose: the adapter column says e.g. "wasm: 1 thread(s)".
    const device = await deviceName(chosen);
    row = { ...row, adapter: spec.backend === 'auto' ? `${chosen}: ${device ?? '-'}` : device };
    await deleteDB(DB_NAME);
    const store = await SnapshotStore.open({ name: DB_NAME });
    try {
      return { ...row, ...(await measure(spec, config, dataset, store)), status: 'ok' };
    } finally {
      store.close();
      await deleteDB(DB_NAME);
    }
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  }
}

async function resume(runId: string, reps: number): Promise<Partial<SnapshotsRow>> {
  const { loadMs, totalMs } = await resumeMs(DB_NAME, runId, reps);
  return { resume_load_ms: loadMs, resume_ms: totalMs };
}

async function measure(
  spec: SnapshotsCase,
  config: RunConfig,
  dataset: LoadedDataset,
  store: SnapshotStore,
): Promise<Partial<SnapshotsRow>> {
  const run = newRunRecord(config, dataset);
  const ctx: SnapshotContext = {
    runId: run.id,
    config,
    dataset: dataset.info,
    backend: tf.getBackend() as BackendName,
    keepLast: 3,
  };
  const session = TrainingSession.create(config, dataset.data);
  const stateSize = stateBytes(config, dataset.data.vocab.length);
  let out: Partial<SnapshotsRow>;
  try {
    const cold = performance.now();
    await session.trainStep();
    const first_step_cold_ms = round(performance.now() - cold);
    for (let i = 1; i < spec.warmupSteps; i++) await session.trainStep();
    progress(`warm-up done, first step ${first_step_cold_ms} ms${wasmMemory()}`);
    const loop = new SnapshotLoop(session, store, run, dataset);
    // As a new run is stored, and before the clock starts: the first commit creates the files.
    await loop.createRun();
    progress(`warm-up snapshot committed${wasmMemory()}`);
    const training = await measureTraining(loop, spec);
    // A readback leaves the values cached on the host until the buffer is replaced, and the
    // loop may have stopped right after a snapshot: a step first, so each read is a real one.
    await session.trainStep();
    const breakdown = await persistBreakdown(session, store, ctx);
    progress(`paused persist ${breakdown.total_ms} ms`);
    const tfjs = await tfjsSave(session, spec.reps);
    progress(`tfjs save ${tfjs.resolveMs} ms`);
    out = {
      first_step_cold_ms,
      ...training,
      persist_mb_per_s: mbPerS(stateSize, training.persist_ms_median ?? null),
      breakdown,
      tfjs_save_ms: tfjs.resolveMs,
      tfjs_save_committed_ms: tfjs.committedMs,
      tfjs_save_bytes: tfjs.bytes,
    };
  } finally {
    // As resumeRun after drop(): the trained session is gone before the resumed one is built.
    session.dispose();
  }
  const bytes = randomBytes(stateSize);
  const raw = {
    raw_idb_blob_mb_per_s: mbPerS(stateSize, await rawIdbPutMs(bytes, 'blob', spec.reps)),
    raw_idb_arraybuffer_mb_per_s: mbPerS(
      stateSize,
      await rawIdbPutMs(bytes, 'arraybuffer', spec.reps),
    ),
    raw_opfs_mb_per_s: mbPerS(stateSize, await rawOpfsWriteMs(bytes, spec.reps)),
  };
  progress('raw writes done');
  const files: Blob[] = [];
  const export_ms = await timedMedian(spec.reps, async () => {
    files.push((await exportFile(store, run.id)).blob);
  });
  return {
    ...out,
    ...raw,
    export_ms,
    export_bytes: files[0]!.size,
    import_ms: await importMs(store, files[0]!, spec.reps),
    ...(await resume(run.id, spec.reps)),
  };
}
