import * as tf from '@tensorflow/tfjs';
import { deleteDB, openDB } from 'idb';
import type { TrainingSession } from '../../workers/bench-surface';
import { medianOf, timedMedian } from './stats';

/** Bytes that no store can compress: crypto.getRandomValues fills at most 64 KiB per call. */
export function randomBytes(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return bytes;
}

export interface TfjsSave {
  /** What model.save times: encodeWeights (readback, concatenation) and the handler's save. */
  readonly resolveMs: number;
  /** Until a later transaction on the same store can run: the save's own commit included. */
  readonly committedMs: number;
  readonly bytes: number;
}

// tfjs's IndexedDB handler resolves on its put request's success, before its transaction
// commits; a read transaction on the same store opened afterwards runs only after that commit.
async function waitForTfjsCommit(): Promise<void> {
  const db = await openDB('tensorflowjs');
  try {
    await db.transaction('models_store', 'readonly').done;
  } finally {
    db.close();
  }
}

/**
 * The model's weights (not Adam's slots) through tfjs's own IndexedDB IOHandler, exactly as
 * `model.save('indexeddb://…')` does it: `encodeWeights` then `handler.save`.
 */
export async function tfjsSave(session: TrainingSession, reps: number): Promise<TfjsSave> {
  const named = session.model.variables.map(({ name, variable }) => ({ name, tensor: variable }));
  const url = (i: number) => `indexeddb://bench-tfjs-save-${i}`;
  let bytes = 0;
  const save = async (i: number) => {
    const { data, specs } = await tf.io.encodeWeights(named);
    bytes = data.byteLength;
    const handler = tf.io.getSaveHandlers(url(i))[0]!;
    await handler.save!({ modelTopology: {}, weightSpecs: specs, weightData: data });
  };
  try {
    // A step before each save, so encodeWeights reads fresh buffers as model.save would, and
    // not the values an earlier read left cached on the host.
    const fresh = (fn: (i: number) => Promise<void>) => async (i: number) => {
      await session.trainStep();
      const started = performance.now();
      await fn(i);
      return performance.now() - started;
    };
    await save(-1); // warm-up: creates the tfjs database
    const resolveMs = await medianOf(reps, fresh(save));
    const committedMs = await medianOf(
      reps,
      fresh(async (i) => {
        await save(reps + i);
        await waitForTfjsCommit();
      }),
    );
    return { resolveMs, committedMs, bytes };
  } finally {
    await deleteDB('tensorflowjs');
  }
}

const RAW_DB = 'bench-raw-idb';

/**
 * A plain put of one value of `bytes.byteLength` into a fresh object store, in its own strict
 * transaction, until it completes: the most any IndexedDB writer can get. The Blob is made
 * before the clock starts.
 */
export async function rawIdbPutMs(
  bytes: Uint8Array<ArrayBuffer>,
  kind: 'blob' | 'arraybuffer',
  reps: number,
): Promise<number> {
  await deleteDB(RAW_DB);
  const db = await openDB(RAW_DB, 1, { upgrade: (d) => d.createObjectStore('values') });
  try {
    const put = async (i: number, value: Blob | ArrayBuffer) => {
      const tx = db.transaction('values', 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put(value, `v${i}`), tx.done]);
    };
    await put(-1, new Blob([bytes])); // warm-up: the first write creates the store's files
    const values = Array.from({ length: reps }, () =>
      kind === 'blob' ? new Blob([bytes]) : bytes.buffer,
    );
    return await timedMedian(reps, (i) => put(i, values[i]!));
  } finally {
    db.close();
    await deleteDB(RAW_DB);
  }
}

/**
 * The same bytes through the Origin Private File System with a sync access handle (workers
 * only): open, write, flush (to disk), close, each time to a fresh file.
 */
export async function rawOpfsWriteMs(bytes: Uint8Array<ArrayBuffer>, reps: number) {
  const root = await navigator.storage.getDirectory();
  const name = (i: number) => `bench-opfs-${i}.bin`;
  const write = async (i: number) => {
    const file = await root.getFileHandle(name(i), { create: true });
    const handle = await file.createSyncAccessHandle();
    try {
      handle.truncate(0);
      handle.write(bytes, { at: 0 });
      handle.flush();
    } finally {
      handle.close();
    }
  };
  try {
    await write(reps);
    return await timedMedian(reps, write);
  } finally {
    for (let i = 0; i <= reps; i++) await root.removeEntry(name(i)).catch(() => undefined);
  }
}
