/**
 * One Web Lock per job (`tab-trainer:job:<id>`): the tab holding it runs the job. Every tab
 * that sees a running job queues for its lock, so when the running tab closes or crashes the
 * browser grants it to the next one, which takes the job over from its stored cursor.
 */
export class JobLocks {
  private readonly queued = new Set<string>();
  private readonly held = new Set<string>();

  /** Whether this tab holds the job's lock (so runs it). */
  holds(jobId: string): boolean {
    return this.held.has(jobId);
  }

  /** Whether this tab holds or waits for the job's lock. */
  has(jobId: string): boolean {
    return this.queued.has(jobId);
  }

  /**
   * Queues for the job's lock; once granted, runs `work` holding it and lets go when `work`
   * settles. Must not queue twice for one job.
   */
  request(jobId: string, work: () => Promise<unknown>): void {
    if (this.queued.has(jobId)) return;
    this.queued.add(jobId);
    navigator.locks
      .request(`tab-trainer:job:${jobId}`, async () => {
        this.held.add(jobId);
        await work().catch(() => undefined);
      })
      .catch(() => undefined)
      .finally(() => {
        this.held.delete(jobId);
        this.queued.delete(jobId);
      });
  }
}
