import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { RunRecord, SnapshotManifest, TensorBytes } from '../../src/shared/snapshot';

export const DEFAULT_DB_NAME = 'tab-trainer';
export const DB_VERSION = 1;

/** A user's training text, kept so that a run on their own file resumes after a reload. */
export interface DatasetRecord {
  /** SHA-256 (hex) of the UTF-8 text. */
  readonly id: string;
  readonly name: string;
  readonly text: string;
}

/**
 * One tensor's bytes; its shape, dtype and hash live in the snapshot's manifest. Written as a
 * Blob (kept out of the JS heap by the browser); an ArrayBuffer row reads back as well.
 */
export interface TensorRow {
  readonly snapshotId: string;
  readonly name: string;
  readonly data: TensorBytes;
}

export interface TrainerDB extends DBSchema {
  runs: {
    key: string;
    value: RunRecord;
    indexes: { 'by-dataset': string };
  };
  snapshots: {
    key: string;
    value: SnapshotManifest;
    indexes: { 'by-run': string };
  };
  tensors: {
    key: [string, string];
    value: TensorRow;
  };
  datasets: {
    key: string;
    value: DatasetRecord;
  };
}

export type TrainerDatabase = IDBPDatabase<TrainerDB>;

export interface OpenOptions {
  /** Database name; tests pass a fresh one (or a fresh factory) per test. */
  readonly name?: string;
  /** The IndexedDB factory; defaults to the global `indexedDB`. */
  readonly factory?: IDBFactory;
}

/**
 * Opens (creating or upgrading) the trainer database. Takes a factory, which idb's openDB does
 * not, so tests can hand each case its own in-memory IndexedDB.
 */
export function openTrainerDb(options: OpenOptions = {}): Promise<TrainerDatabase> {
  const factory = options.factory ?? indexedDB;
  const request = factory.open(options.name ?? DEFAULT_DB_NAME, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    createStores(wrap(request.result) as TrainerDatabase, event.oldVersion);
  });
  // Another tab asking for a newer schema must not stay blocked behind this connection.
  return (wrap(request) as Promise<TrainerDatabase>).then((db) => {
    db.addEventListener('versionchange', () => db.close());
    return db;
  });
}

function createStores(db: TrainerDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('by-dataset', 'dataset.id');
    const snapshots = db.createObjectStore('snapshots', { keyPath: 'id' });
    snapshots.createIndex('by-run', 'runId');
    db.createObjectStore('tensors', { keyPath: ['snapshotId', 'name'] });
    db.createObjectStore('datasets', { keyPath: 'id' });
  }
}

/**
 * Every tensor row of one snapshot, including rows its manifest does not name: an array key
 * sorts after every string, so [id, []] bounds all [id, name].
 */
export function tensorRowsOf(snapshotId: string): IDBKeyRange {
  return IDBKeyRange.bound([snapshotId], [snapshotId, []]);
}
