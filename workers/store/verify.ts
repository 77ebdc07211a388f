import { SnapshotCorruptError, SnapshotError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import {
  byteSize,
  type SnapshotManifest,
  type SnapshotPayload,
  type TensorBytes,
  type TensorRecord,
} from '../../src/shared/snapshot';
import type { TensorRow } from './store-schema';
import { expectedByteLength } from './tensor-record';

/**
 * Checks a payload before anything is written. Must reject every payload whose rows would not
 * load back as exactly this manifest, so that a commit never stores a snapshot born corrupt.
 */
export function validatePayload(payload: SnapshotPayload<TensorBytes>): void {
  const { manifest, data } = payload;
  const fail = (why: string): never => {
    throw new SnapshotError(
      `The snapshot at step ${manifest.step} was not saved: ${why}. This is a bug in the trainer; the previous snapshot is unchanged.`,
    );
  };
  if (manifest.tensors.length !== data.length) {
    fail(`its manifest lists ${manifest.tensors.length} tensors but ${data.length} were given`);
  }
  const names = new Set<string>();
  let total = 0;
  manifest.tensors.forEach((record, i) => {
    if (names.has(record.name)) fail(`tensor "${record.name}" appears twice`);
    names.add(record.name);
    const bytes = data[i];
    if (!(bytes instanceof ArrayBuffer || bytes instanceof Blob)) {
      fail(`tensor "${record.name}" is neither an ArrayBuffer nor a Blob`);
    }
    if (byteSize(bytes!) !== record.byteLength) {
      fail(
        `tensor "${record.name}" has ${byteSize(bytes!)} bytes, its manifest says ${record.byteLength}`,
      );
    }
    const shapeReason = shapeMismatch(record);
    if (shapeReason !== null) fail(shapeReason);
    total += record.byteLength;
  });
  if (manifest.bytes !== total)
    fail(`its manifest says ${manifest.bytes} bytes, the tensors hold ${total}`);
}

function shapeMismatch(record: TensorRecord): string | null {
  const expected = expectedByteLength(record.dtype, record.shape);
  if (expected === record.byteLength) return null;
  const layout = `${record.dtype} [${record.shape.join(', ')}]`;
  return expected === null
    ? `tensor "${record.name}" has an invalid layout ${layout}`
    : `tensor "${record.name}" is ${layout} (${expected} bytes) but records ${record.byteLength} bytes`;
}

/**
 * Reads one stored tensor and checks it against its manifest entry: the verified bytes, or why
 * they are wrong. Rows are read one at a time, so verifying holds one tensor in memory at most.
 */
export async function readVerified(
  record: TensorRecord,
  row: TensorRow | undefined,
): Promise<{ bytes: ArrayBuffer } | { problem: string }> {
  if (row === undefined) return { problem: `tensor "${record.name}" is missing` };
  const data = row.data;
  if (!(data instanceof ArrayBuffer || data instanceof Blob)) {
    return { problem: `tensor "${record.name}" holds no bytes` };
  }
  if (byteSize(data) !== record.byteLength) {
    return {
      problem: `tensor "${record.name}" has ${byteSize(data)} bytes, its manifest says ${record.byteLength}`,
    };
  }
  const shapeReason = shapeMismatch(record);
  if (shapeReason !== null) return { problem: shapeReason };
  const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
  const hash = await sha256Hex(bytes);
  if (hash !== record.sha256) {
    return {
      problem: `tensor "${record.name}" has SHA-256 ${hash.slice(0, 12)}…, its manifest says ${record.sha256.slice(0, 12)}…`,
    };
  }
  return { bytes };
}

function corrupt(manifest: SnapshotManifest, problem: string): SnapshotCorruptError {
  return new SnapshotCorruptError(
    `The snapshot at step ${manifest.step} (${manifest.id}) is corrupt: ${problem}. Resume from an earlier snapshot.`,
  );
}

/**
 * Verifies every tensor of a snapshot against its manifest, in order. Must throw
 * SnapshotCorruptError naming the snapshot's step and the first bad tensor unless every row is
 * present and exact. `keep` decides what is returned per tensor: the bytes (to restore) or the
 * stored Blob (to export without holding the state in memory).
 */
export async function verifyRows<D>(
  manifest: SnapshotManifest,
  rows: ReadonlyMap<string, TensorRow>,
  keep: (bytes: ArrayBuffer, row: TensorRow) => D,
): Promise<D[]> {
  const out: D[] = [];
  for (const record of manifest.tensors) {
    const row = rows.get(record.name);
    const result = await readVerified(record, row);
    if ('problem' in result) throw corrupt(manifest, result.problem);
    out.push(keep(result.bytes, row!));
  }
  return out;
}
