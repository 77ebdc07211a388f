import type { SnapshotTrigger } from '../../src/shared/snapshot';

// When requests coalesce, the snapshot is labelled with the most deliberate of them.
const PRIORITY: Record<SnapshotTrigger, number> = {
  auto: 0,
  hidden: 1,
  pause: 2,
  manual: 3,
  import: 4,
  initial: 5,
  rewind: 6,
};

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * Keeps at most one snapshot in flight. A request made while one persists is folded into the
 * next; every caller's promise settles with the first snapshot that starts after its request.
 */
export class SnapshotScheduler<T> {
  private pending: SnapshotTrigger | null = null;
  private pendingWaiters: Waiter<T>[] = [];
  private inFlight: Promise<void> | null = null;

  request(trigger: SnapshotTrigger): Promise<T> {
    if (this.pending === null || PRIORITY[trigger] > PRIORITY[this.pending]) this.pending = trigger;
    return new Promise<T>((resolve, reject) => this.pendingWaiters.push({ resolve, reject }));
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /**
   * At a step boundary: if a request waits and nothing is in flight, runs `capture` at once
   * (synchronously, so the state is the state at this boundary) and `persist` in the background.
   */
  runIfDue<C>(
    capture: (trigger: SnapshotTrigger) => C,
    persist: (captured: C) => Promise<T>,
  ): boolean {
    if (this.pending === null || this.inFlight !== null) return false;
    const trigger = this.pending;
    const waiters = this.pendingWaiters;
    this.pending = null;
    this.pendingWaiters = [];
    let captured: C;
    try {
      captured = capture(trigger);
    } catch (err) {
      waiters.forEach((w) => w.reject(err));
      return false;
    }
    this.inFlight = persist(captured)
      .then(
        (value) => waiters.forEach((w) => w.resolve(value)),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.inFlight = null;
      });
    return true;
  }

  /** Resolves when the snapshot in flight, if any, has settled. */
  async idle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  /** Fails every waiting request, e.g. when the run they belong to is replaced. */
  cancelPending(reason: Error): void {
    const waiters = this.pendingWaiters;
    this.pending = null;
    this.pendingWaiters = [];
    waiters.forEach((w) => w.reject(reason));
  }
}
