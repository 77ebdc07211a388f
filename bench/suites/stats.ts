/** Small helpers shared by the bench suites (worker side). */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median, or null when nothing was measured. */
export function medianOrNull(values: readonly number[]): number | null {
  return values.length === 0 ? null : round(median(values));
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Three decimals keep results.json readable; timings are not more precise than that. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Decimal megabytes per second (1 MB = 10^6 bytes). */
export function mbPerS(bytes: number, ms: number | null): number | null {
  return ms === null || ms <= 0 ? null : round(bytes / 1e6 / (ms / 1000));
}

/** Wall-clock epoch milliseconds, comparable with the Node runner's Date.now(). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Runs `fn` `reps` times and returns the median of its durations in ms. */
export async function timedMedian(reps: number, fn: (i: number) => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await fn(i);
    ms.push(performance.now() - started);
  }
  return round(median(ms));
}

/** Runs `fn` `reps` times; it returns its own duration in ms (to leave its setup untimed). */
export async function medianOf(reps: number, fn: (i: number) => Promise<number>) {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) ms.push(await fn(i));
  return round(median(ms));
}

const benchStart = performance.now();

/** A progress line the runner prints with BENCH_VERBOSE=1. */
export function progress(what: string): void {
  console.info(`[bench] +${((performance.now() - benchStart) / 1000).toFixed(1)} s ${what}`);
}
