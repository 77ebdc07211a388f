import { Backoff, isQuotaError, pauseFor, realClock } from '../store';
import type { BackoffPolicy, Clock } from '../store';

/**
 * Waits between tries of a tokenization the full disk stopped: a few seconds, growing, so a
 * full disk is neither a busy loop nor long unnoticed once space is freed.
 */
export const DISK_FULL_BACKOFF: BackoffPolicy = { minMs: 2000, maxMs: 8000, factor: 2 };

/**
 * A whole-file write the browser refused for want of space: the quota's error, a short write
 * (ShortWriteError), or what Chromium gives when it cuts a file stream off under it. Measured
 * on Chromium with a 24 MiB quota: the first refused shard rejects with QuotaExceededError, a
 * later one's write() with AbortError ("Failed to write data to data pipe"); UnknownError is
 * its word for a disk I/O error, as the snapshot path reads it (store/commit-failure.ts).
 * Cancel never reaches a write: it stops the read with its own error.
 */
export function isRefusedWrite(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return (
    isQuotaError(err) ||
    err instanceof ShortWriteError ||
    name === 'AbortError' ||
    name === 'UnknownError'
  );
}

/**
 * A sync access handle's write() that returned fewer bytes than it was given: the disk took
 * part of the shard (space ran out under it), so it counts as a refused write and the
 * tokenization pauses, then writes the whole shard again.
 */
export class ShortWriteError extends Error {
  override readonly name = 'ShortWriteError';
  constructor(file: string, written: number, length: number) {
    super(`${file}: the disk took ${written} of ${length} bytes. Free some space; it goes on.`);
  }
}

/** What the page is told while a tokenization waits for space. */
export interface DiskFullPause {
  /** The refusal, a CorpusDiskFullError: it names the shard and says what to do. */
  readonly error: Error;
  /** The next try comes by itself after this long, unless Retry or Cancel comes first. */
  readonly retryInMs: number;
}

export interface PauseOptions {
  /** Cancel: a paused tokenization stops at once with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onPause?: (pause: DiskFullPause) => void;
}

/**
 * Pauses work the full disk stopped and tries it again: after the backoff, or at once when the
 * user presses Retry (`retryNow`). One per worker, so the page's Retry reaches whichever
 * tokenization is paused.
 */
export class DiskFullRetry {
  private readonly wakers = new Set<() => void>();
  private readonly backoff: Backoff;

  constructor(
    private readonly clock: Clock = realClock,
    policy: BackoffPolicy = DISK_FULL_BACKOFF,
  ) {
    this.backoff = new Backoff(clock, policy);
  }

  /** Retry pressed: every paused try goes again now. */
  retryNow(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Runs `attempt` until it ends other than with a CorpusDiskFullError (the value, or another
   * error). `attempt` must leave nothing half-written when it fails and go on from what it
   * committed, as tokenizeCorpus does.
   */
  async untilSpace<T>(attempt: () => Promise<T>, { signal, onPause }: PauseOptions): Promise<T> {
    for (let failures = 1; ; failures++) {
      signal?.throwIfAborted();
      try {
        return await attempt();
      } catch (err) {
        if ((err as { name?: unknown } | null)?.name !== 'CorpusDiskFullError') throw err;
        const retryInMs = this.backoff.delayAfter(failures);
        onPause?.({ error: err as Error, retryInMs });
        const pause = pauseFor(this.clock, retryInMs, signal);
        this.wakers.add(pause.wake);
        try {
          await pause.done;
        } finally {
          this.wakers.delete(pause.wake);
        }
      }
    }
  }
}
