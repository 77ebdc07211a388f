import { runLockName } from '../shared/lock-names';

/**
 * One writer per run: a Web Lock named after the run. The tab that holds it trains; a tab that
 * does not waits in the lock's queue, and the browser grants it the moment the holder's tab
 * closes or crashes, which is how a second tab takes over. A browser without Web Locks gets a
 * lock that is always free and never queues: every tab writes what it opens (the page says so
 * at start, src/boot-checks.ts).
 */
export class RunLock {
  private releaseHeld: (() => void) | null = null;
  private waiting: AbortController | null = null;
  /** The run whose lock this tab holds, if any. */
  private held: string | null = null;

  /** Whether this tab holds the run's lock (so is the one tab that may train it). */
  holds(runId: string): boolean {
    return this.held === runId;
  }

  /** Takes the run's lock if no other tab has it; keeps it until release() or the tab ends. */
  async tryAcquire(runId: string): Promise<boolean> {
    this.release();
    if (!hasLocks()) {
      this.held = runId;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      void navigator.locks
        .request(runLockName(runId), { ifAvailable: true }, (lock) => {
          if (lock === null) {
            resolve(false);
            return undefined;
          }
          return this.hold(runId, () => resolve(true));
        })
        .catch(() => resolve(false));
    });
  }

  /** Queues for the run's lock; `onGranted` runs once this tab holds it. */
  waitFor(runId: string, onGranted: () => void): void {
    this.release();
    if (!hasLocks()) return; // nothing to queue for: no tab can tell this one the run is free
    const abort = new AbortController();
    this.waiting = abort;
    navigator.locks
      .request(runLockName(runId), { signal: abort.signal }, () => {
        // Granted after the tab moved on (the abort came too late): let it go at once.
        if (this.waiting !== abort) return undefined;
        this.waiting = null;
        return this.hold(runId, onGranted);
      })
      .catch(() => undefined); // aborted: the tab moved on to another run
  }

  private hold(runId: string, granted: () => void): Promise<void> {
    return new Promise<void>((release) => {
      this.releaseHeld = release;
      this.held = runId;
      granted();
    });
  }

  /** Lets go of the held lock and leaves any queue. */
  release(): void {
    this.waiting?.abort();
    this.waiting = null;
    this.releaseHeld?.();
    this.releaseHeld = null;
    this.held = null;
  }
}

function hasLocks(): boolean {
  return (
    typeof navigator !== 'undefined' && navigator.locks !== undefined && navigator.locks !== null
  );
}
