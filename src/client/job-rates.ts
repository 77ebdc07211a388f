import type { JobSummary } from '../shared/jobs/job-types';
import type { JobRate } from '../ui/jobs-list';

/** Rate over the last this many milliseconds of observations. */
const WINDOW_MS = 10_000;

/** Items/s and time left of each job, from how its committed count grew as the page saw it. */
export class JobRates {
  private readonly seen = new Map<string, [number, number][]>();

  observe(jobs: readonly JobSummary[], now: number): void {
    const live = new Set(jobs.map((job) => job.id));
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
    for (const job of jobs) {
      const rows = this.seen.get(job.id) ?? [];
      rows.push([now, job.done]);
      while (rows.length > 2 && now - rows[0]![0] > WINDOW_MS) rows.shift();
      this.seen.set(job.id, rows);
    }
  }

  rate(job: JobSummary): Omit<JobRate, 'here'> {
    const rows = this.seen.get(job.id) ?? [];
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (first === undefined || last === undefined || last[0] - first[0] < 1000) {
      return { itemsPerSec: null, secondsLeft: null };
    }
    const itemsPerSec = ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
    const secondsLeft = itemsPerSec > 0 ? (job.total - job.done) / itemsPerSec : null;
    return { itemsPerSec, secondsLeft };
  }
}
