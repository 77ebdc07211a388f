/** Time as the store sees it; tests inject a fake so no test sleeps for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A wait that can be cut short: `wake` ends it now; `done` settles once, whichever comes first. */
export interface Pause {
  readonly done: Promise<void>;
  wake(): void;
}

/**
 * Resolves after `ms` on `clock`, at once on wake(), or rejects with the signal's reason when it
 * aborts (Cancel), already aborted included. A timer that fires after it settled does nothing.
 */
export function pauseFor(clock: Clock, ms: number, signal?: AbortSignal): Pause {
  let wake = () => {};
  const done = new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (then: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancelled);
      then();
    };
    const cancelled = () => settle(() => reject(signal!.reason));
    wake = () => settle(resolve);
    if (signal?.aborted) return cancelled();
    signal?.addEventListener('abort', cancelled, { once: true });
    void clock.sleep(ms).then(wake);
  });
  return { done, wake: () => wake() };
}

export interface BackoffPolicy {
  /** Wait before the first retry, ms. */
  readonly minMs: number;
  /** The wait never grows past this, ms: a freed disk is noticed within it. */
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { minMs: 100, maxMs: 4000, factor: 2 };

/**
 * Exponential backoff between attempts to reopen the database. Must never ask for a wait
 * below minMs after a failure nor above maxMs, and must start over after a success.
 */
export class Backoff {
  private failures = 0;
  private notBefore = 0;

  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
  ) {
    if (!(policy.minMs > 0 && policy.maxMs >= policy.minMs && policy.factor >= 1)) {
      throw new RangeError('Backoff needs 0 < minMs <= maxMs and factor >= 1.');
    }
  }

  /** The wait after `failures` consecutive failures (0 after none). */
  delayAfter(failures: number): number {
    if (failures <= 0) return 0;
    const grown = this.policy.minMs * this.policy.factor ** (failures - 1);
    return Math.min(this.policy.maxMs, grown);
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  failed(): void {
    this.failures += 1;
    this.notBefore = this.clock.now() + this.delayAfter(this.failures);
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }

  /** Resolves once the next attempt is allowed; at once if it already is. */
  async ready(): Promise<void> {
    const wait = this.notBefore - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }
}
