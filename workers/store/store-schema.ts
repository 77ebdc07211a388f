import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import type { JobItem, JobRecord } from '../../src/shared/jobs/job-types';
import type { RunRecord, SnapshotManifest, TensorBytes } from '../../src/shared/snapshot';

export const DEFAULT_DB_NAME = 'tab-trainer';
/** 1: runs, snapshots, tensors, datasets. 2: adds jobs, jobInputs, jobResults. */
export const DB_VERSION = 2;

/**
 * A user's training text as the store takes and hands it out: the file's bytes (invalid UTF-8
 * included, for byte tokens), whose SHA-256 (hex) is its id.
 */
export interface DatasetText {
  readonly id: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * A training text as stored, kept so that a run on the user's own file resumes after a reload:
 * its bytes as a Blob (out of the JS heap; up to 256 MB of prose; an ArrayBuffer where IndexedDB
 * refuses Blobs, blob-fallback.ts), or, for a run stored before texts were bytes, the text as a
 * string, whose UTF-8 encoding is what its id hashes. All are read (`dataset-bytes.ts`); only
 * bytes are written.
 */
export type DatasetRecord =
  | { readonly id: string; readonly name: string; readonly bytes: Blob | ArrayBuffer }
  | { readonly id: string; readonly name: string; readonly text: string };

/**
 * One tensor's bytes; its shape, dtype and hash live in the snapshot's manifest. Written as a
 * Blob (kept out of the JS heap by the browser); an ArrayBuffer row reads back as well.
 */
export interface TensorRow {
  readonly snapshotId: string;
  readonly name: string;
  readonly data: TensorBytes;
}

/** A job's input lines (prompts or lines to score), stored once with the job. */
export interface JobInputRecord {
  readonly jobId: string;
  readonly lines: readonly string[];
}

/**
 * One committed batch of a job's items, keyed [jobId, index of its first item]: the items in
 * index order. One record per batch, not per item: Chromium's IndexedDB costs about 0.1 ms per
 * record written, which for cheap items was a tenth of the work (measured: 664 one-record-per-item
 * puts took 86 ms against 860 ms of generation).
 */
export interface JobResultRow {
  readonly jobId: string;
  readonly index: number;
  readonly items: readonly JobItem[];
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
  jobs: {
    key: string;
    value: JobRecord;
    indexes: { 'by-run': string; 'by-snapshot': string };
  };
  jobInputs: {
    key: string;
    value: JobInputRecord;
  };
  jobResults: {
    key: [string, number];
    value: JobResultRow;
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
 * not, so tests can hand each case its own in-memory IndexedDB. A plain connection: it closes
 * itself on another tab's versionchange and is never reopened (tests' raw handles, the bench);
 * the store's own connection is owned by StoreConnection.
 */
export async function openTrainerDb(options: OpenOptions = {}): Promise<TrainerDatabase> {
  const { db } = await openWatched(options, { terminated: () => undefined });
  return db;
}

/** What an open found, beyond the connection. */
export interface OpenedDb {
  readonly db: TrainerDatabase;
  /** The database did not exist and was created by this open (oldVersion 0). */
  readonly created: boolean;
}

/**
 * The connection's lifecycle callbacks, as idb's openDB names them. `blocking` runs on
 * another tab's versionchange, after this connection has closed itself so that the other
 * tab's upgrade is not blocked; `terminated` runs when the browser force-closes it (a write
 * that failed for lack of space, site data cleared, the database deleted).
 */
export interface OpenCallbacks {
  readonly terminated: () => void;
  readonly blocking?: (newVersion: number | null) => void;
}

export function openWatched(options: OpenOptions, callbacks: OpenCallbacks): Promise<OpenedDb> {
  const factory = options.factory ?? indexedDB;
  const request = factory.open(options.name ?? DEFAULT_DB_NAME, DB_VERSION);
  let created = false;
  request.addEventListener('upgradeneeded', (event) => {
    created = event.oldVersion === 0;
    createStores(wrap(request.result) as TrainerDatabase, event.oldVersion);
  });
  return (wrap(request) as Promise<TrainerDatabase>).then((db) => {
    const raw = request.result;
    raw.addEventListener('close', () => callbacks.terminated());
    raw.addEventListener('versionchange', (event) => {
      raw.close();
      callbacks.blocking?.((event as IDBVersionChangeEvent).newVersion);
    });
    return { db, created };
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
  // Version 2 only adds stores: every run and snapshot of version 1 stays as it was.
  if (oldVersion < 2) {
    const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
    jobs.createIndex('by-run', 'runId');
    jobs.createIndex('by-snapshot', 'snapshotId');
    db.createObjectStore('jobInputs', { keyPath: 'jobId' });
    db.createObjectStore('jobResults', { keyPath: ['jobId', 'index'] });
  }
}

/** Every result row of one job. */
export function jobResultsOf(jobId: string): IDBKeyRange {
  return IDBKeyRange.bound([jobId, 0], [jobId, Infinity]);
}

/**
 * Every tensor row of one snapshot, including rows its manifest does not name: an array key
 * sorts after every string, so [id, []] bounds all [id, name].
 */
export function tensorRowsOf(snapshotId: string): IDBKeyRange {
  return IDBKeyRange.bound([snapshotId], [snapshotId, []]);
}
