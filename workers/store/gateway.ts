import { errorText, StorageClosedError, StoreVersionError } from '../../src/shared/errors';
import type { BackoffPolicy, Clock } from './backoff';
import { isConnectionLoss, StoreConnection, VersionTooOldError, type Live } from './connection';
import type { FaultHooks } from './fault-hooks';
import { DB_VERSION, type OpenOptions, type TrainerDatabase } from './store-schema';
import { isBlobRefusal } from './blob-fallback';

export interface GatewayOptions extends OpenOptions {
  /** Test hooks that make a commit fail at a chosen point; never set in production. */
  readonly faults?: FaultHooks;
  /** Time for the reconnect backoff; tests inject a fake one. */
  readonly clock?: Clock;
  readonly backoff?: BackoffPolicy;
}

/** How hard one operation tries. */
export interface RetryPolicy {
  /** Connections one operation tries before it gives up. */
  readonly attempts: number;
  /**
   * A durable commit: a write the disk refused (UnknownError) waits a backoff step and is tried
   * again, a write that its closed connection leaves hanging is given up on, and a success
   * starts the backoff over.
   */
  readonly durable: boolean;
}

/** A read, or a job's write: once more on a fresh connection. */
export const READ_RETRY: RetryPolicy = { attempts: 2, durable: false };
/** A snapshot commit: then the named fault goes to the page and the next snapshot tries again. */
export const COMMIT_RETRY: RetryPolicy = { attempts: 4, durable: true };

/** Why an operation gave up, for the error it reports. */
export interface GaveUp {
  /** The last attempt's error. */
  readonly error: unknown;
  /** The last attempt failed because the connection was lost or could not be reopened. */
  readonly connectionLost: boolean;
  /**
   * Some attempt failed with UnknownError: Chromium's word for a write (or an open of the
   * backing store) the disk refused. Measured on a full tmpfs profile: the transaction aborts
   * with UnknownError, the connection is force-closed, and reopening fails with "Internal
   * error opening backing store" until space is freed, while navigator.storage.estimate()
   * still reports a quota of 1 GB, so the figures cannot tell.
   */
  readonly ioFailure: boolean;
}

/** One operation, as the retry loop runs it. */
export interface Operation<T> {
  /**
   * The work, on a live connection; `attempt` counts from 1. Must be safe to run again: a try
   * may have committed before its connection was found closed.
   */
  run(db: TrainerDatabase, attempt: number): Promise<T>;
  /**
   * An error that is neither a lost connection nor (for a durable commit) a refused write:
   * true to try again, having made that worth it (a quota error frees space first); false to
   * give up. An error it throws ends the operation with that error, unless the connection was
   * lost under it.
   */
  recover?(err: unknown, db: TrainerDatabase): Promise<boolean>;
  /** The error to throw once the operation gives up. */
  giveUp(why: GaveUp): unknown;
}

/** How long a write may take to report its own error after its connection was closed. */
const SETTLE_AFTER_CLOSE_MS = 1000;

/**
 * The write's own result, unless its connection is closed and the write has not settled soon
 * after (a transaction that would otherwise hang): the write's error (UnknownError for a
 * refused write) says more than the close, so it wins whenever it arrives in time.
 */
async function untilLost<T>(writing: Promise<T>, live: Live): Promise<T> {
  writing.catch(() => undefined);
  const lost = live.lost.catch(async (closed: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(closed), SETTLE_AFTER_CLOSE_MS);
    });
    try {
      return await Promise.race([writing, late]);
    } finally {
      clearTimeout(timer);
    }
  });
  return Promise.race([writing, lost]);
}

/**
 * UnknownError is Chromium's word for a write the disk refused (an I/O error); WebKit's Blob
 * refusal is one too, but no retry heals it: the commit's own recovery stores ArrayBuffers.
 */
const isRefusedWrite = (err: unknown): boolean =>
  (err as { name?: unknown } | null)?.name === 'UnknownError' && !isBlobRefusal(err);

/**
 * A read's failure: its own error as it is, unless no connection could be had (then
 * StorageClosedError) or the database is newer than this code (StoreVersionError).
 */
function readFailure(why: GaveUp): unknown {
  const { error } = why;
  if (error instanceof VersionTooOldError) {
    return new StoreVersionError({ found: error.found, supported: DB_VERSION, newest: null });
  }
  if (!why.connectionLost) return error;
  return new StorageClosedError({ step: null, newest: null, cause: errorText(error) });
}

/**
 * The worker's one way to storage: owns the IndexedDB connection (through StoreConnection) and
 * the one retry loop every operation goes through: acquire a live connection, run, and on a
 * connection found lost forget it and try again on a new one after the backoff. The snapshot
 * store and the job store are repositories on it, sharing the connection, its backoff and the
 * test hooks.
 */
export class StorageGateway {
  private constructor(
    private readonly connection: StoreConnection,
    /** The test hooks every commit runs; empty in production. */
    readonly faults: FaultHooks,
  ) {}

  /** Opens the connection at once, so a database newer than this code is reported here. */
  static async open(options: GatewayOptions = {}): Promise<StorageGateway> {
    const connection = new StoreConnection(options, options.clock, options.backoff);
    const gateway = new StorageGateway(connection, options.faults ?? {});
    await gateway.use(async () => undefined);
    return gateway;
  }

  /**
   * True once a reopen found an empty, newly created database: everything stored before was
   * deleted under this tab (site data cleared, eviction, a database discarded as corrupt).
   */
  get recreated(): boolean {
    return this.connection.recreated;
  }

  close(): void {
    this.connection.close();
  }

  /**
   * Runs `op` under the read policy: once more on a fresh connection if it finds the
   * connection closed. `op` must be safe to run twice. Throws op's own errors as they are.
   */
  use<T>(op: (db: TrainerDatabase) => Promise<T>): Promise<T> {
    return this.attempt(READ_RETRY, { run: (db) => op(db), giveUp: readFailure });
  }

  /**
   * The retry loop. Must invalidate a connection found lost before the next attempt (so it is
   * reopened after the backoff), must never retry past `policy.attempts`, and must stop at once
   * on a database newer than this code.
   */
  async attempt<T>(policy: RetryPolicy, op: Operation<T>): Promise<T> {
    let error: unknown = null;
    let connectionLost = false;
    let ioFailure = false;
    const note = (err: unknown) => {
      error = err;
      if (isRefusedWrite(err)) ioFailure = true;
    };
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      let live: Live;
      try {
        live = await this.connection.acquire();
      } catch (err) {
        note(err);
        connectionLost = true;
        if (err instanceof VersionTooOldError) break;
        continue;
      }
      try {
        const running = op.run(live.db, attempt);
        if (!policy.durable) return await running;
        const result = await untilLost(running, live);
        this.connection.healthy();
        return result;
      } catch (err) {
        note(err);
        connectionLost = isConnectionLoss(err, live);
        if (connectionLost) {
          this.connection.invalidate(live);
          continue;
        }
        if (policy.durable && isRefusedWrite(err)) {
          // Chromium usually closes the connection right after (a full disk): wait a backoff
          // step and try again, on a new connection if it was closed.
          this.connection.backoff.failed();
          await this.connection.backoff.ready();
          continue;
        }
        try {
          if (await op.recover?.(err, live.db)) continue;
        } catch (recoverErr) {
          error = recoverErr;
          connectionLost = isConnectionLoss(recoverErr, live);
          if (!connectionLost) break;
          this.connection.invalidate(live);
          continue;
        }
        break;
      }
    }
    throw await op.giveUp({ error, connectionLost, ioFailure });
  }
}
