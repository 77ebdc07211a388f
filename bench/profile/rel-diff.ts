/** One output of one kernel case: how far the WebGPU kernel is from the CPU composite. */
export interface KernelCheckRow {
  readonly op: string;
  readonly shape: readonly number[];
  /** Which output: 0 the forward, then each input's gradient. */
  readonly output: number;
  readonly relDiff: number;
  readonly tolerance: number;
}

/**
 * Largest |a − b| over the largest |b| (at least 1): docs/KERNELS.md's measure of agreement. A
 * NaN anywhere, or a length that differs, is an infinite difference.
 */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
