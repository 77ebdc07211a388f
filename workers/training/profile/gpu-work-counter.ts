/**
 * Compute dispatches, compute passes and queue submissions the WebGPU backend has made: what a
 * training step asks of the GPU, counted by the bench and the profile only (never by the app,
 * whose prototypes stay as the browser made them).
 */
export interface GpuCounts {
  dispatches: number;
  passes: number;
  submits: number;
}

interface Prototypes {
  GPUComputePassEncoder?: { prototype: { dispatchWorkgroups(...args: unknown[]): void } };
  GPUCommandEncoder?: { prototype: { beginComputePass(...args: unknown[]): unknown } };
  GPUQueue?: { prototype: { submit(...args: unknown[]): void } };
}

let counting: GpuCounts | null = null;

/**
 * Counts by wrapping the WebGPU prototypes of this worker, so every device tfjs creates here is
 * counted, and returns the running counts (the same object on a second call: the prototypes are
 * wrapped once). Call before the backend starts; null where the worker has no WebGPU.
 */
export function countGpuWork(): GpuCounts | null {
  if (counting !== null) return counting;
  const api = self as unknown as Prototypes;
  if (!api.GPUComputePassEncoder || !api.GPUCommandEncoder || !api.GPUQueue) return null;
  const counts: GpuCounts = { dispatches: 0, passes: 0, submits: 0 };
  counting = counts;
  const wrap = <T extends object, K extends keyof T & string>(
    proto: T,
    key: K,
    field: keyof GpuCounts,
  ) => {
    const original = proto[key] as (...args: unknown[]) => unknown;
    Object.defineProperty(proto, key, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        counts[field] += 1;
        return original.apply(this, args);
      },
    });
  };
  wrap(api.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches');
  wrap(api.GPUCommandEncoder.prototype, 'beginComputePass', 'passes');
  wrap(api.GPUQueue.prototype, 'submit', 'submits');
  return counts;
}
