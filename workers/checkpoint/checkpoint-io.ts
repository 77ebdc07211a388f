import type { UserDataset } from '../../src/shared/api';
import type { CheckpointFile, ForkOptions } from '../../src/shared/checkpoint-api';
import {
  checkpointFileName,
  decodeCheckpoint,
  encodeCheckpoint,
  toSnapshotPayload,
} from '../../src/shared/checkpoint';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { CheckpointDatasetError } from '../../src/shared/errors';
import type {
  DatasetInfo,
  RunRecord,
  SnapshotPayload,
  TensorRecord,
} from '../../src/shared/snapshot';
import { DEFAULT_RETENTION, tensorRecord, type SnapshotStore } from '../store';
import { sha256Hex } from '../../src/shared/hash';
import { bundledDataset } from '../training/run-setup';
import { runBpe } from '../training/bpe/run-tokenizer';

/** A stored snapshot as a safetensors file; its hashes were verified on load. */
export async function exportSnapshot(
  store: SnapshotStore,
  run: RunRecord,
  snapshotId: string,
  signal?: AbortSignal,
): Promise<CheckpointFile> {
  const payload = await store.loadSnapshotBlobs(snapshotId);
  signal?.throwIfAborted();
  return {
    fileName: checkpointFileName(run.name, payload.manifest.step),
    blob: encodeCheckpoint(payload, run.name),
  };
}

/** A decoded and verified file, ready to be written as a run. */
export interface DecodedFile {
  readonly payload: SnapshotPayload;
  readonly name: string;
  readonly formatVersion: number;
}

export async function decodeFile(file: Blob, signal?: AbortSignal): Promise<DecodedFile> {
  const decoded = await decodeCheckpoint(file, signal ? { signal } : {});
  // A BPE run's tokenizer.json is read now, so a malformed or foreign one is refused by name
  // before anything is stored.
  runBpe(decoded.manifest.config, decoded.manifest.dataset);
  const ids = { id: 'pending', runId: 'pending', trigger: 'import', pinned: false } as const;
  return {
    payload: toSnapshotPayload(decoded, ids),
    name: decoded.runName,
    formatVersion: decoded.formatVersion,
  };
}

/**
 * The text a checkpoint was trained on. Files carry only its hash, so the text must be known
 * here: the bundled names, a text this browser stored before, or the file the user chose.
 */
async function findText(
  store: SnapshotStore,
  info: DatasetInfo,
  offered: UserDataset | null,
): Promise<Uint8Array> {
  const bundled = await bundledDataset();
  if (bundled.info.id === info.id) return bundled.bytes;
  const stored = await store.getDataset(info.id);
  if (stored !== undefined) return stored.bytes;
  // Only the hash matters here: the run's own settings tokenize the text when it resumes.
  if (offered !== null) {
    const bytes = new Uint8Array(offered.bytes);
    if ((await sha256Hex(bytes)) === info.id) return bytes;
    // Before texts crossed as bytes, a run's id hashed the text File.text() decoded (a byte
    // order mark dropped, invalid UTF-8 read as U+FFFD): the same file still finds such a run.
    const decoded = new TextEncoder().encode(new TextDecoder().decode(bytes));
    if ((await sha256Hex(decoded)) === info.id) return decoded;
  }
  throw new CheckpointDatasetError(info.name, info.id);
}

type Tensors = { readonly records: TensorRecord[]; readonly data: ArrayBuffer[] };

/** Adam as it is before its first step: no slots, iteration 0, the beta powers at beta. */
async function freshAdamTensors(config: RunConfig): Promise<Tensors> {
  const parts: [string, 'int32' | 'float32', ArrayBuffer][] = [
    ['optimizer/iter', 'int32', new Int32Array([0]).buffer],
    ['optimizer/beta1_power', 'float32', new Float32Array([config.beta1]).buffer],
    ['optimizer/beta2_power', 'float32', new Float32Array([config.beta2]).buffer],
  ];
  const records = await Promise.all(parts.map(([n, dtype, d]) => tensorRecord(n, dtype, [], d)));
  return { records, data: parts.map(([, , d]) => d) };
}

/**
 * Writes a run from a snapshot payload: as is (an import, which resumes bit for bit), or with
 * a new learning rate or step budget and optionally a fresh optimizer (a fine-tuning fork).
 * Everything is checked before the first write; a refusal leaves the store untouched.
 */
export async function writeRunFrom(
  store: SnapshotStore,
  source: { readonly payload: SnapshotPayload; readonly name: string },
  offered: UserDataset | null,
  changes: ForkOptions | null,
  signal?: AbortSignal,
): Promise<RunRecord> {
  const { manifest, data } = source.payload;
  // A run on token shards carries no text: its corpus is reopened (or asked for) on resume.
  const bytes =
    manifest.dataset.corpus === undefined ? await findText(store, manifest.dataset, offered) : null;
  const config = validateConfig({
    ...manifest.config,
    ...(changes?.lr !== undefined ? { lr: changes.lr } : {}),
    ...(changes?.steps !== undefined ? { steps: changes.steps } : {}),
  });
  let tensors: Tensors = { records: [...manifest.tensors], data: [...data] };
  let iterations = manifest.optimizer.iterations;
  if (changes?.resetOptimizer) {
    const model = tensors.records.flatMap((t, i) => (t.name.startsWith('model/') ? [i] : []));
    const fresh = await freshAdamTensors(config);
    tensors = {
      records: [...model.map((i) => tensors.records[i]!), ...fresh.records],
      data: [...model.map((i) => tensors.data[i]!), ...fresh.data],
    };
    iterations = 0;
  }
  const run: RunRecord = {
    id: crypto.randomUUID(),
    name: changes === null ? `${source.name} (imported)` : `${source.name} (fork, lr ${config.lr})`,
    config,
    dataset: manifest.dataset,
    createdAt: Date.now(),
    latestSnapshotId: null,
  };
  const payload: SnapshotPayload = {
    manifest: {
      ...manifest,
      id: crypto.randomUUID(),
      runId: run.id,
      createdAt: Date.now(),
      trigger: 'import',
      pinned: false,
      config,
      optimizer: {
        ...manifest.optimizer,
        config: { ...manifest.optimizer.config, learningRate: config.lr },
        iterations,
      },
      tensors: tensors.records,
      bytes: tensors.data.reduce((sum, d) => sum + d.byteLength, 0),
    },
    data: tensors.data,
  };
  // The last moment a cancel can stop it: the commit below is one transaction, all or nothing.
  signal?.throwIfAborted();
  const dataset =
    bytes === null ? null : { id: manifest.dataset.id, name: manifest.dataset.name, bytes };
  await store.commitSnapshot(payload, DEFAULT_RETENTION, { run, dataset, isNew: true });
  return { ...run, latestSnapshotId: payload.manifest.id };
}
