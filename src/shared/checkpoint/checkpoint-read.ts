import {
  CheckpointIntegrityError,
  CheckpointMismatchError,
  CheckpointVersionError,
} from '../errors';
import { sha256Hex } from '../hash';
import type { SnapshotManifest, SnapshotPayload, TensorRecord } from '../snapshot';
import { decodeCheckpointMetadata, type CheckpointMetadata } from './checkpoint-metadata';
import {
  BETA1_POWER_TENSOR,
  BETA2_POWER_TENSOR,
  ITER_TENSOR,
  matchTensors,
} from './checkpoint-tensors';
import {
  CURRENT_FORMAT_VERSION,
  OLDEST_FORMAT_VERSION,
  formatTag,
  parseFormatTag,
} from './format-version';
import type { Metadata } from './metadata-fields';
import { accumulatedBetaPower, float32Scalar, migrateMetadataV1 } from './migrate-v1';
import { migrateMetadataV2 } from './migrate-v2';
import { migrateMetadataV3 } from './migrate-v3';
import { vocabSize } from '../text-mode';
import { CHOOSE_OURS, COPY_AGAIN, EXPORT_AGAIN, quoteName } from './refusal-text';
import { toTensorDType } from './safetensors-dtype';
import { readSafetensorsLayout, readTensorBytes, type BlobSource } from './safetensors-read';

/** A snapshot manifest less what the importing store assigns. */
export type CheckpointManifest = Omit<SnapshotManifest, 'id' | 'runId' | 'trigger' | 'pinned'>;

export interface DecodedCheckpoint {
  /** The version the file was written in; older ones have been migrated to the current one. */
  readonly formatVersion: number;
  readonly runName: string;
  /** Tensors in canonical order: model, optimizer slots, iter, beta powers. */
  readonly manifest: CheckpointManifest;
  readonly data: readonly ArrayBuffer[];
}

export interface DecodeOptions {
  readonly signal?: AbortSignal;
}

function checkVersion(meta: Metadata | null): number {
  const tag = meta?.get('format');
  const parsed = parseFormatTag(tag);
  if (parsed.kind === 'foreign') {
    const seen =
      tag === undefined ? 'it has no "format" metadata' : `its format is ${quoteName(tag)}`;
    throw new CheckpointMismatchError(
      `This file is not a checkpoint of this trainer: ${seen}, not ` +
        `${formatTag(CURRENT_FORMAT_VERSION)}. ` +
        CHOOSE_OURS,
    );
  }
  if (parsed.kind === 'newer') {
    throw new CheckpointVersionError(
      `This checkpoint is format ${formatTag(parsed.version)}, written by a newer version of the ` +
        `app; this version reads ${formatTag(OLDEST_FORMAT_VERSION)} to ` +
        `${formatTag(CURRENT_FORMAT_VERSION)}. Reload the page to update the app, then import ` +
        `it again.`,
    );
  }
  return parsed.version;
}

function checkHashList(meta: CheckpointMetadata, names: readonly string[]): void {
  const missing = names.find((n) => !meta.sha256.has(n));
  if (missing !== undefined) {
    throw new CheckpointIntegrityError(
      `The checkpoint has no SHA-256 for tensor ${quoteName(missing)}, so its bytes cannot be ` +
        `verified. ${EXPORT_AGAIN}`,
    );
  }
  const listed = new Set(names);
  const stray = [...meta.sha256.keys()].find((n) => !listed.has(n));
  if (stray !== undefined) {
    throw new CheckpointIntegrityError(
      `The checkpoint's sha256 list names ${quoteName(stray)}, which the file does not hold. ` +
        EXPORT_AGAIN,
    );
  }
}

/**
 * Parses and validates a checkpoint file completely before returning anything: safetensors
 * structure and caps, format version, metadata, tensors against the architecture, and every
 * tensor's SHA-256. Throws one of the Checkpoint*Error classes; nothing is written anywhere.
 */
export async function decodeCheckpoint(
  file: BlobSource,
  options: DecodeOptions = {},
): Promise<DecodedCheckpoint> {
  const layout = await readSafetensorsLayout(file);
  const version = checkVersion(layout.metadata);
  const raw = layout.metadata as Metadata;
  const v3 =
    version === 1
      ? migrateMetadataV2(migrateMetadataV1(raw))
      : version === 2
        ? migrateMetadataV2(raw)
        : raw;
  const meta = decodeCheckpointMetadata(version <= 3 ? migrateMetadataV3(v3) : v3);
  const { iterations } = meta.optimizer;
  const entries = matchTensors(
    layout.entries,
    meta.config,
    vocabSize(meta.config, meta.dataset.vocab),
    iterations,
    version >= 2,
  );
  checkHashList(
    meta,
    entries.map((e) => e.name),
  );
  const data: ArrayBuffer[] = [];
  const tensors: TensorRecord[] = [];
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const bytes = await readTensorBytes(file, layout, entry);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== meta.sha256.get(entry.name)) {
      throw new CheckpointIntegrityError(
        `Tensor ${quoteName(entry.name)} does not match its SHA-256: the file was damaged or ` +
          `edited. ${COPY_AGAIN}`,
      );
    }
    const { name, shape } = entry;
    tensors.push({
      name,
      dtype: toTensorDType(entry.dtype),
      shape,
      byteLength: bytes.byteLength,
      sha256,
    });
    data.push(bytes);
  }
  const iterBytes = data[entries.findIndex((e) => e.name === ITER_TENSOR)];
  const iter = new DataView(iterBytes).getInt32(0, true);
  if (iter !== iterations) {
    throw new CheckpointIntegrityError(
      `Tensor ${ITER_TENSOR} holds ${iter} but the metadata says the optimizer took ` +
        `${iterations} steps. ${EXPORT_AGAIN}`,
    );
  }
  if (version === 1) {
    for (const [name, beta] of [
      [BETA1_POWER_TENSOR, meta.optimizer.config.beta1],
      [BETA2_POWER_TENSOR, meta.optimizer.config.beta2],
    ] as const) {
      const bytes = float32Scalar(accumulatedBetaPower(beta, iterations));
      const sha256 = await sha256Hex(bytes);
      tensors.push({ name, dtype: 'float32', shape: [], byteLength: 4, sha256 });
      data.push(bytes);
    }
  }
  const bytes = tensors.reduce((sum, t) => sum + t.byteLength, 0);
  const manifest: CheckpointManifest = {
    step: meta.step,
    cursor: meta.cursor,
    prng: meta.prng,
    optimizer: meta.optimizer,
    metrics: meta.metrics,
    trainingMs: meta.trainingMs,
    createdAt: meta.createdAt,
    config: meta.config,
    dataset: meta.dataset,
    backend: meta.backend,
    appVersion: meta.appVersion,
    tfjsVersion: meta.tfjsVersion,
    tensors,
    bytes,
    valLoss: meta.valLoss,
    guard: meta.guard,
  };
  return { formatVersion: version, runName: meta.runName, manifest, data };
}

/** The snapshot an import stores, once the store has chosen its ids. */
export function toSnapshotPayload(
  decoded: DecodedCheckpoint,
  ids: Pick<SnapshotManifest, 'id' | 'runId' | 'trigger' | 'pinned'>,
): SnapshotPayload {
  return { manifest: { ...ids, ...decoded.manifest }, data: decoded.data };
}
