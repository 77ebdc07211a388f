import { SnapshotError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { TensorDType, TensorRecord } from '../../src/shared/snapshot';

const BYTES_PER_ELEMENT: Record<TensorDType, number> = { float32: 4, int32: 4 };

/** Bytes a tensor of this dtype and shape occupies; null for an unknown dtype or a bad shape. */
export function expectedByteLength(dtype: string, shape: readonly number[]): number | null {
  const width = BYTES_PER_ELEMENT[dtype as TensorDType] as number | undefined;
  if (width === undefined) return null;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) return null;
  return shape.reduce((n, d) => n * d, 1) * width;
}

/**
 * The manifest entry for one tensor's bytes, hashed. Must describe `data` exactly: a shape or
 * dtype that does not fit the byte length is rejected here rather than at resume.
 */
export async function tensorRecord(
  name: string,
  dtype: TensorDType,
  shape: readonly number[],
  data: ArrayBuffer | Uint8Array<ArrayBuffer>,
): Promise<TensorRecord> {
  return hashedRecord(name, dtype, shape, data.byteLength, sha256Hex(data));
}

/**
 * As tensorRecord, for bytes already hashed elsewhere (or being hashed: `sha256` may be the
 * digest still running). The same check of the byte length against the dtype and shape.
 */
export async function hashedRecord(
  name: string,
  dtype: TensorDType,
  shape: readonly number[],
  byteLength: number,
  sha256: Promise<string>,
): Promise<TensorRecord> {
  const expected = expectedByteLength(dtype, shape);
  if (expected !== byteLength) {
    // The digest may still be running: its result is not wanted, nor its rejection reported.
    sha256.catch(() => undefined);
    throw new SnapshotError(
      `Tensor "${name}" has ${byteLength} bytes but ${dtype} [${shape.join(', ')}] needs ${expected ?? 'a valid shape'}.`,
    );
  }
  return { name, dtype, shape: [...shape], byteLength, sha256: await sha256 };
}
