import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { DEFAULT_CONFIG } from '../../src/shared/config';
import type {
  DatasetInfo,
  RunRecord,
  SnapshotManifest,
  SnapshotPayload,
} from '../../src/shared/snapshot';
import { sha256Hex } from '../../src/shared/hash';
import { SnapshotStore, tensorRecord, type RunWrite } from '../../workers/store';
import { openTrainerDb, type FaultHooks, type TrainerDatabase } from '../../workers/store/testing';

export const DATASET_TEXT = 'abc\nbca\ncab';

export const DATASET: DatasetInfo = {
  id: await sha256Hex(new TextEncoder().encode(DATASET_TEXT)),
  name: 'names.txt',
  vocab: '\nabc',
  trainExamples: 90,
  valExamples: 10,
};

/** A store on its own in-memory IndexedDB, plus a second raw connection for tampering. */
export async function freshStore(
  faults?: FaultHooks,
): Promise<{ store: SnapshotStore; raw: TrainerDatabase }> {
  const factory = new IDBFactory();
  const store = await SnapshotStore.open({ factory, name: 'test', faults });
  const raw = await openTrainerDb({ factory, name: 'test' });
  return { store, raw };
}

export function makeRun(id: string, createdAt = 1_000, dataset: DatasetInfo = DATASET): RunRecord {
  return {
    id,
    name: `run ${id}`,
    config: DEFAULT_CONFIG,
    dataset,
    createdAt,
    latestSnapshotId: null,
  };
}

/** A run as the app writes it with its first snapshot: the record and its text. */
export function newRun(
  id: string,
  createdAt = 1_000,
  dataset: DatasetInfo = DATASET,
  text = DATASET_TEXT,
): RunWrite {
  return {
    run: makeRun(id, createdAt, dataset),
    dataset: { id: dataset.id, name: dataset.name, bytes: new TextEncoder().encode(text) },
    isNew: true,
  };
}

/** Stores run `id` with its first snapshot (at `step`), the one way the app creates runs. */
export async function createRun(
  store: SnapshotStore,
  id: string,
  step = 0,
  options: PayloadOptions & { readonly runCreatedAt?: number } = {},
): Promise<SnapshotPayload> {
  const payload = await makePayload(id, step, options);
  await store.commitSnapshot(payload, { keepLast: 100 }, newRun(id, options.runCreatedAt));
  return payload;
}

/** Float32 bit patterns a lossy copy would change: -0, a NaN payload, a denormal, Infinity. */
function trickyFloats(step: number): ArrayBuffer {
  const bits = new Uint32Array([0x80000000, 0x7fc00123, 0x00000001, 0x7f800000, step, 0x3f800000]);
  return bits.buffer;
}

export interface PayloadOptions {
  readonly id?: string;
  readonly createdAt?: number;
  readonly valLoss?: number | null;
  readonly pinned?: boolean;
  readonly dataset?: DatasetInfo;
}

export async function makePayload(
  runId: string,
  step: number,
  options: PayloadOptions = {},
): Promise<SnapshotPayload> {
  const data = [
    trickyFloats(step),
    new Float32Array([step / 3, -step, 1e-30]).buffer,
    new Int32Array([step]).buffer,
  ];
  const tensors = await Promise.all([
    tensorRecord('model/w', 'float32', [2, 3], data[0]),
    tensorRecord('model/b', 'float32', [3], data[1]),
    tensorRecord('optimizer/iter', 'int32', [], data[2]),
  ]);
  const manifest: SnapshotManifest = {
    id: options.id ?? `${runId}-s${step}`,
    runId,
    createdAt: options.createdAt ?? 10_000 + step,
    trigger: 'auto',
    config: DEFAULT_CONFIG,
    dataset: options.dataset ?? DATASET,
    backend: 'cpu',
    appVersion: '0.1.0',
    tfjsVersion: '4.22.0',
    tensors,
    bytes: tensors.reduce((n, t) => n + t.byteLength, 0),
    valLoss: options.valLoss ?? null,
    pinned: options.pinned ?? false,
    step,
    cursor: { epoch: 0, index: step },
    prng: [1, 2, 3, step],
    optimizer: {
      className: 'Adam',
      config: { learningRate: 0.003, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      iterations: step,
    },
    metrics: { train: [[step, 1 / (step + 1)]], val: [] },
    trainingMs: step * 10,
  };
  return { manifest, data };
}

/** Every tensor row key in the database, as "snapshotId/name". */
export async function tensorKeys(raw: TrainerDatabase): Promise<string[]> {
  const keys = await raw.getAllKeys('tensors');
  return keys.map(([snapshotId, name]) => `${snapshotId}/${name}`).sort();
}

export async function snapshotIds(store: SnapshotStore, runId: string): Promise<string[]> {
  return (await store.listSnapshots(runId)).map((m) => m.id);
}

/** A run with snapshots committed at the given steps (retention keeps them all). */
export async function seededRun(
  store: SnapshotStore,
  runId: string,
  steps: readonly number[],
): Promise<void> {
  const [first, ...rest] = steps;
  if (first === undefined) throw new Error('a run is stored with at least one snapshot');
  await createRun(store, runId, first);
  for (const step of rest) {
    await store.commitSnapshot(await makePayload(runId, step), { keepLast: 100 });
  }
}

export function bytesOf(buffer: ArrayBuffer): number[] {
  return Array.from(new Uint8Array(buffer));
}
