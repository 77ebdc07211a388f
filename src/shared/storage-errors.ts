/** Storage faults, each built from its facts (see trainer-error.ts). */
import { TrainerError } from './trainer-error';

// Storage faults (issue 9). Each is built from its facts and writes its own message, so the
// page never shows a raw DOMException as the whole story.

/** The newest committed snapshot of a run, as far as the store knows; null when none yet. */
export interface NewestSnapshot {
  readonly step: number;
  /** Commit time, ms since the epoch. */
  readonly at: number;
}

/** "HH:MM" in local time; the same on every locale, so tests and users read one format. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * How every write the full disk refused is told (snapshots, jobs, token shards): one warning,
 * whatever was being written, and each such write pauses and goes on once space is free.
 */
export const DISK_FULL = 'The disk is full (or the browser cannot write to it)';
export const GOES_ON_ONCE_FREE = 'goes on by itself once space is free';

function newestText(newest: NewestSnapshot | null): string {
  return newest === null
    ? 'this run has no saved snapshot yet'
    : `the newest good snapshot is step ${newest.step} from ${clockTime(newest.at)}`;
}

function causeText(cause: string | undefined): string {
  return cause === undefined || cause === '' ? '' : ` (the browser said: ${cause})`;
}

export interface StorageFaultFacts {
  /** The step whose snapshot was not saved; null for a read. */
  readonly step: number | null;
  readonly newest: NewestSnapshot | null;
  /** The browser's own words, kept as a detail, never as the whole message. */
  readonly cause?: string;
}

/** The disk (or the volume holding the browser profile) has no room for the snapshot. */
export class StorageFullError extends TrainerError {
  override name = 'StorageFullError';
  constructor(facts: StorageFaultFacts) {
    super(
      `${DISK_FULL}: ${facts.step === null ? 'the snapshot database cannot be written' : `the snapshot at step ${facts.step} was not saved`}. Snapshots are paused and will resume by themselves once space is free; ${newestText(facts.newest)}. Training goes on.${causeText(facts.cause)}`,
    );
  }
}

/** The browser closed the database connection and it could not be reopened yet. */
export class StorageClosedError extends TrainerError {
  override name = 'StorageClosedError';
  constructor(facts: StorageFaultFacts) {
    super(
      facts.step === null
        ? `The browser closed the snapshot database and it could not be reopened yet: try again in a moment; the trainer keeps reopening it by itself.${causeText(facts.cause)}`
        : `The browser closed the snapshot database: the snapshot at step ${facts.step} was not saved. The trainer reopens it by itself and the next snapshot tries again; ${newestText(facts.newest)}. Training goes on.${causeText(facts.cause)}`,
    );
  }
}

export interface StorageEvictedFacts {
  readonly runName: string;
  /** The step of the fresh snapshot written from memory, or null if it could not be written. */
  readonly rewrittenStep: number | null;
  /** Whether the browser granted persistent storage; null when unknown. */
  readonly persisted: boolean | null;
}

/**
 * The site's stored data vanished while a run trained: the user cleared site data, or the
 * browser evicted best-effort storage. The training tab still holds the run in memory.
 */
export class StorageEvictedError extends TrainerError {
  override name = 'StorageEvictedError';
  constructor(facts: StorageEvictedFacts) {
    const what =
      facts.rewrittenStep === null
        ? `Its state is still in this tab's memory and is written again with the next snapshot; keep this tab open until then.`
        : `It was written again from this tab's memory: a complete snapshot at step ${facts.rewrittenStep} is saved; older snapshots are gone.`;
    const persist =
      facts.persisted === true
        ? ''
        : ' The browser has not granted persistent storage, so it may evict the data again under storage pressure: export a checkpoint to keep a copy outside the browser.';
    super(
      `This site's stored data was cleared (by "Clear site data" or by the browser) while run "${facts.runName}" trained. ${what}${persist}`,
    );
  }
}

export interface StoreVersionFacts {
  /** The database's version on disk, written by a newer release of the app in another tab. */
  readonly found: number | null;
  /** The newest version this tab's code knows. */
  readonly supported: number;
  readonly newest: NewestSnapshot | null;
}

/** The database was upgraded by a newer release of the app: this tab's code is too old for it. */
export class StoreVersionError extends TrainerError {
  override name = 'StoreVersionError';
  constructor(facts: StoreVersionFacts) {
    const found = facts.found === null ? 'a newer version' : `version ${facts.found}`;
    super(
      `A newer release of this app upgraded the snapshot database (${found}; this tab knows version ${facts.supported}), so this tab can no longer save snapshots. Reload the page to continue: it resumes from the newest snapshot; ${newestText(facts.newest)}.`,
    );
  }
}

/** The snapshot hasher (the training worker's own worker) failed to start or died. */
export class HasherLostError extends TrainerError {
  override name = 'HasherLostError';
  constructor(reason: string) {
    super(
      `The snapshot hasher stopped (${reason}); this snapshot was not saved, and the next ones are made on the training thread, a little slower.`,
    );
  }
}
