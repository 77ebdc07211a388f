import { Backoff, realClock, type BackoffPolicy, type Clock } from './backoff';
import { DB_VERSION, openWatched, type OpenOptions, type TrainerDatabase } from './store-schema';

/** One open connection and how to tell it has died. */
export interface Live {
  readonly db: TrainerDatabase;
  /** 1 for the first open, then one more for every reopen. */
  readonly generation: number;
  /** Rejects once the browser or another tab's upgrade has closed this connection. */
  readonly lost: Promise<never>;
  isLost(): boolean;
}

/** Thrown inside the store when a connection died under an operation; never reaches the page. */
export class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
}

/** The database on disk is newer than this code: reopening can never succeed. */
export class VersionTooOldError extends Error {
  override name = 'VersionTooOldError';
  constructor(readonly found: number | null) {
    super(`The database is at version ${found ?? '(newer)'}; this code knows ${DB_VERSION}.`);
  }
}

/**
 * True when `err` says the connection is gone rather than the write being refused: the
 * transaction could not start on a closing connection (InvalidStateError), or it was aborted
 * (AbortError, UnknownError for a failed write, TransactionInactiveError for a request made
 * after the abort) by a close. A forced close aborts the
 * transactions before its `close` event fires, so a connection not yet marked lost is probed:
 * starting a transaction on a closing connection throws at once.
 */
export function isConnectionLoss(err: unknown, live: Live): boolean {
  if (err instanceof ConnectionLostError) return true;
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'InvalidStateError') return true;
  // A request made after the close aborted its transaction: TransactionInactiveError.
  if (name !== 'AbortError' && name !== 'UnknownError' && name !== 'TransactionInactiveError') {
    return false;
  }
  return live.isLost() || isClosing(live.db);
}

function isClosing(db: TrainerDatabase): boolean {
  try {
    // Never used: an empty read-only transaction commits by itself.
    db.transaction('runs', 'readonly');
    return false;
  } catch (err) {
    return (err as { name?: unknown } | null)?.name === 'InvalidStateError';
  }
}

/**
 * Owns the store's IndexedDB connection: opens it lazily, notices when it dies (force-closed by
 * the browser, or closed by us on another tab's versionchange) and reopens it for the next
 * operation, waiting a bounded, growing backoff between failed attempts so a full disk never
 * turns into a busy loop. A database newer than this code is reported once and never retried.
 */
export class StoreConnection {
  private live: Live | null = null;
  private opening: Promise<Live> | null = null;
  private generation = 0;
  private invalidated = 0;
  private newerVersion: number | null = null;
  private tooOld: VersionTooOldError | null = null;
  private closedByOwner = false;
  /** The generation whose open found the database created afresh after an earlier open. */
  private recreatedAt: number | null = null;
  readonly backoff: Backoff;

  constructor(
    private readonly options: OpenOptions = {},
    clock: Clock = realClock,
    policy?: BackoffPolicy,
  ) {
    this.backoff = new Backoff(clock, policy);
  }

  /**
   * True once a reopen found an empty, newly created database: everything stored before was
   * deleted under this tab (site data cleared, eviction, a database discarded as corrupt).
   */
  get recreated(): boolean {
    return this.recreatedAt !== null;
  }

  /** The open connection, reopening it if it died. Must not open twice concurrently. */
  acquire(): Promise<Live> {
    if (this.tooOld !== null) return Promise.reject(this.tooOld);
    if (this.closedByOwner) return Promise.reject(new ConnectionLostError('The store is closed.'));
    if (this.live !== null && !this.live.isLost()) return Promise.resolve(this.live);
    this.live = null;
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  /** Forgets a connection an operation found dead; the next acquire reopens after backoff. */
  invalidate(live: Live): void {
    // Once per connection: several operations may find the same one dead.
    if (live.generation <= this.invalidated) return;
    this.invalidated = live.generation;
    if (this.live === live) this.live = null;
    try {
      live.db.close();
    } catch {
      // Already closed by the browser.
    }
    this.backoff.failed();
  }

  /** An operation succeeded on the connection: the next failure starts the backoff over. */
  healthy(): void {
    this.backoff.succeeded();
  }

  close(): void {
    this.closedByOwner = true;
    this.live?.db.close();
    this.live = null;
  }

  private async open(): Promise<Live> {
    await this.backoff.ready();
    const generation = this.generation + 1;
    let markLost = (_err: Error) => undefined as void;
    let lost = false;
    const lostPromise = new Promise<never>((_, reject) => {
      markLost = (err) => {
        lost = true;
        reject(err);
      };
    });
    lostPromise.catch(() => undefined);
    let opened;
    try {
      opened = await openWatched(this.options, {
        terminated: () => {
          markLost(new ConnectionLostError('The browser closed the database connection.'));
        },
        blocking: (newVersion) => {
          this.newerVersion = newVersion;
          markLost(new ConnectionLostError('Another tab is upgrading the database.'));
        },
      });
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'VersionError') {
        this.tooOld = new VersionTooOldError(this.newerVersion);
        throw this.tooOld;
      }
      this.backoff.failed();
      throw err;
    }
    this.generation = generation;
    if (opened.created && generation > 1) this.recreatedAt ??= generation;
    const live: Live = { db: opened.db, generation, lost: lostPromise, isLost: () => lost };
    this.live = live;
    return live;
  }
}
