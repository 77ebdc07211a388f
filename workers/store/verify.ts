import { SnapshotCorruptError, SnapshotError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { SnapshotManifest, SnapshotPayload, TensorRecord } from '../../src/shared/snapshot';
import type { TensorRow } from './store-schema';
import { expectedByteLength } from './tensor-record';

/**
 * Checks a payload before anything is written. Must reject every payload whose rows would not
 * load back as exactly this manifest, so that a commit never stores a snapshot born corrupt.
 */
export function validatePayload(payload: SnapshotPayload): void {
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
    if (!(bytes instanceof ArrayBuffer)) fail(`tensor "${record.name}" is not an ArrayBuffer`);
    if (bytes.byteLength !== record.byteLength) {
      fail(
        `tensor "${record.name}" has ${bytes.byteLength} bytes, its manifest says ${record.byteLength}`,
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

/** Why a stored tensor row does not match its manifest entry, or null when it matches. */
export async function tensorRowProblem(
  record: TensorRecord,
  row: TensorRow | undefined,
): Promise<string | null> {
  if (row === undefined) return `tensor "${record.name}" is missing`;
  if (!(row.data instanceof ArrayBuffer)) return `tensor "${record.name}" holds no bytes`;
  if (row.data.byteLength !== record.byteLength) {
    return `tensor "${record.name}" has ${row.data.byteLength} bytes, its manifest says ${record.byteLength}`;
  }
  const shapeReason = shapeMismatch(record);
  if (shapeReason !== null) return shapeReason;
  const hash = await sha256Hex(row.data);
  if (hash !== record.sha256) {
    return `tensor "${record.name}" has SHA-256 ${hash.slice(0, 12)}…, its manifest says ${record.sha256.slice(0, 12)}…`;
  }
  return null;
}

/**
 * Verifies every tensor of a snapshot against its manifest. Must throw SnapshotCorruptError
 * naming the snapshot's step and the first bad tensor unless every row is present and exact.
 */
export async function verifyRows(
  manifest: SnapshotManifest,
  rows: ReadonlyMap<string, TensorRow>,
): Promise<ArrayBuffer[]> {
  const problems = await Promise.all(
    manifest.tensors.map((record) => tensorRowProblem(record, rows.get(record.name))),
  );
  const problem = problems.find((p): p is string => p !== null);
  if (problem !== undefined) {
    throw new SnapshotCorruptError(
      `The snapshot at step ${manifest.step} (${manifest.id}) is corrupt: ${problem}. Resume from an earlier snapshot.`,
    );
  }
  return manifest.tensors.map((record) => (rows.get(record.name) as TensorRow).data);
}
