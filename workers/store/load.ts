import {
  NoSnapshotYetError,
  RunNotFoundError,
  SnapshotCorruptError,
  SnapshotNotFoundError,
} from '../../src/shared/errors';
import type {
  SkippedSnapshot,
  SnapshotManifest,
  SnapshotPayload,
  TensorBytes,
} from '../../src/shared/snapshot';
import { newestFirst } from '../../src/shared/newest-first';
import { tensorRowsOf, type TensorRow, type TrainerDatabase } from './store-schema';
import { verifyRows } from './verify';

export interface LatestGood {
  readonly payload: SnapshotPayload;
  /** Snapshots tried before the one loaded, newest first, with why each failed. */
  readonly skipped: SkippedSnapshot[];
}

/** A snapshot's manifest and its tensor rows by name, read in one read transaction. */
async function readSnapshotRows(db: TrainerDatabase, id: string) {
  const tx = db.transaction(['snapshots', 'tensors'], 'readonly');
  const [manifest, rows] = await Promise.all([
    tx.objectStore('snapshots').get(id),
    tx.objectStore('tensors').getAll(tensorRowsOf(id)),
  ]);
  if (manifest === undefined) throw new SnapshotNotFoundError(id);
  const byName = new Map<string, TensorRow>(rows.map((row) => [row.name, row]));
  return { manifest, byName };
}

/**
 * Reads a snapshot and its tensors in one read transaction, then verifies them. Must return
 * bytes only when every tensor is present and matches its manifest's length, shape and hash.
 */
export async function loadSnapshot(db: TrainerDatabase, id: string): Promise<SnapshotPayload> {
  const { manifest, byName } = await readSnapshotRows(db, id);
  return { manifest, data: await verifyRows(manifest, byName, (bytes) => bytes) };
}

/**
 * Like loadSnapshot, but hands back the stored Blobs (each verified on the way) rather than
 * their bytes, so an export of a large state never holds it all in memory.
 */
export async function loadSnapshotBlobs(
  db: TrainerDatabase,
  id: string,
): Promise<SnapshotPayload<TensorBytes>> {
  const { manifest, byName } = await readSnapshotRows(db, id);
  return { manifest, data: await verifyRows(manifest, byName, (_, row) => row.data) };
}

/** A run's snapshots, newest first. */
export async function runSnapshots(
  db: TrainerDatabase,
  runId: string,
): Promise<SnapshotManifest[]> {
  const manifests = await db.getAllFromIndex('snapshots', 'by-run', runId);
  return manifests.sort(newestFirst);
}

/**
 * Loads the newest snapshot that verifies, starting at `fromSnapshotId` (a roll back) or else
 * at the run's latest pointer, and falling back to older ones. Must report every snapshot it
 * passed over, and must throw rather than return a snapshot that failed verification.
 */
export async function loadLatestGood(
  db: TrainerDatabase,
  runId: string,
  fromSnapshotId?: string,
): Promise<LatestGood> {
  const run = await db.get('runs', runId);
  if (run === undefined) throw new RunNotFoundError(runId);
  const ordered = await runSnapshots(db, runId);
  if (ordered.length === 0) {
    throw new NoSnapshotYetError(run.name);
  }
  const startId = fromSnapshotId ?? run.latestSnapshotId;
  let start = startId === null ? 0 : ordered.findIndex((m) => m.id === startId);
  if (start < 0) {
    if (fromSnapshotId !== undefined) throw new SnapshotNotFoundError(fromSnapshotId);
    // A pointer to a missing snapshot: the newest stored one is the best guess.
    start = 0;
  }
  const skipped: SkippedSnapshot[] = [];
  for (const manifest of ordered.slice(start)) {
    try {
      return { payload: await loadSnapshot(db, manifest.id), skipped };
    } catch (err) {
      if (!(err instanceof SnapshotCorruptError || err instanceof SnapshotNotFoundError)) throw err;
      skipped.push({ id: manifest.id, step: manifest.step, reason: err.message });
    }
  }
  throw new SnapshotCorruptError(
    `No snapshot of run "${run.name}" can be resumed: all ${skipped.length} failed verification ` +
      `(newest: ${skipped[0]?.reason ?? 'none'}). Start a new run.`,
  );
}
