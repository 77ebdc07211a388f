/**
 * Bounds automatic restarts of the trainer: a worker that keeps dying (a backend that crashes
 * on every start, say) must end in a visible error, not in an endless restart loop.
 */
export class RestartBudget {
  private readonly times: number[] = [];

  constructor(
    private readonly max = 3,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Records a restart if the budget allows one; false when it is spent. */
  take(now = Date.now()): boolean {
    while (this.times.length > 0 && now - this.times[0]! > this.windowMs) this.times.shift();
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}
