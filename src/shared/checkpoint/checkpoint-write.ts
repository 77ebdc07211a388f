import { SnapshotCorruptError } from '../errors';
import { byteSize, type SnapshotPayload, type TensorBytes } from '../snapshot';
import { encodeCheckpointMetadata } from './checkpoint-metadata';
import { toSafetensorsDType } from './safetensors-dtype';
import { safetensorsParts } from './safetensors-write';

export const CHECKPOINT_EXTENSION = '.safetensors';
export const CHECKPOINT_MIME = 'application/octet-stream';

/**
 * The checkpoint file of one snapshot. Tensors are written in the manifest's order with the
 * hashes the snapshot already holds: export neither copies the tensors into one buffer nor hashes
 * them again (import verifies every hash).
 */
export function encodeCheckpoint(payload: SnapshotPayload<TensorBytes>, runName: string): Blob {
  const { manifest, data } = payload;
  if (data.length !== manifest.tensors.length) {
    throw new SnapshotCorruptError(
      `Snapshot ${manifest.id} lists ${manifest.tensors.length} tensors but holds ${data.length} ` +
        `buffers, so it cannot be exported. Export an older snapshot of the run.`,
    );
  }
  const tensors = manifest.tensors.map((t, i) => {
    if (byteSize(data[i]!) !== t.byteLength) {
      throw new SnapshotCorruptError(
        `Snapshot ${manifest.id}'s tensor ${t.name} has ${byteSize(data[i]!)} bytes, not the ` +
          `${t.byteLength} its manifest says, so it cannot be exported. Export an older snapshot.`,
      );
    }
    return { name: t.name, dtype: toSafetensorsDType(t.dtype), shape: t.shape, data: data[i]! };
  });
  const parts = safetensorsParts(tensors, encodeCheckpointMetadata(manifest, runName));
  return new Blob(parts, { type: CHECKPOINT_MIME });
}

/** `<run>-step<N>.safetensors`, with the run name reduced to characters every file system takes. */
export function checkpointFileName(runName: string, step: number): string {
  const base = runName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  const stepText = String(Math.max(0, Math.floor(step)));
  return `${base === '' ? 'run' : base}-step${stepText}${CHECKPOINT_EXTENSION}`;
}
