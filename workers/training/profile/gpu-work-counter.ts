/**
 * Compute dispatches, compute passes and queue submissions the WebGPU backend makes: what a
 * training step asks of the GPU. The counter wraps the WebGPU prototypes of this worker only
 * while a count runs (the bench's whole run, or the one step the `?debug=1` profile counts),
 * and puts the browser's own methods back when the last count stops: a run that counts nothing
 * calls the browser's methods untouched.
 */
export interface GpuCounts {
  dispatches: number;
  passes: number;
  submits: number;
}

/** A running count; stop() ends it (its counts then stay as they were). */
export interface GpuCount {
  readonly counts: Readonly<GpuCounts>;
  stop(): void;
}

type Method = (...args: unknown[]) => unknown;

/** The WebGPU interfaces a global scope may have; a fake scope in tests. */
export interface GpuScope {
  GPUComputePassEncoder?: { prototype: object };
  GPUCommandEncoder?: { prototype: object };
  GPUQueue?: { prototype: object };
}

/** Which method of which interface counts to which field. */
const COUNTED = [
  ['GPUComputePassEncoder', 'dispatchWorkgroups', 'dispatches'],
  ['GPUCommandEncoder', 'beginComputePass', 'passes'],
  ['GPUQueue', 'submit', 'submits'],
] as const;

const running = new Set<GpuCounts>();
/** Puts the scope's own methods back; null while nothing is wrapped. */
let unwrap: (() => void) | null = null;

function wrap(scope: Required<GpuScope>): () => void {
  const restores = COUNTED.map(([api, key, field]) => {
    const proto = scope[api].prototype;
    const own = Object.getOwnPropertyDescriptor(proto, key);
    const original = (proto as Record<string, Method>)[key]!;
    Object.defineProperty(proto, key, {
      configurable: true,
      writable: true,
      value(this: unknown, ...args: unknown[]) {
        for (const counts of running) counts[field] += 1;
        return original.apply(this, args);
      },
    });
    return () => {
      if (own) Object.defineProperty(proto, key, own);
      else delete (proto as Record<string, Method>)[key];
    };
  });
  return () => restores.forEach((restore) => restore());
}

/**
 * Starts counting the GPU work of every device in `scope` (existing ones too: tfjs looks each
 * method up on its prototype at every call). Null where the scope has no WebGPU.
 */
export function startGpuCount(scope: GpuScope = globalThis as GpuScope): GpuCount | null {
  if (!scope.GPUComputePassEncoder || !scope.GPUCommandEncoder || !scope.GPUQueue) return null;
  const counts: GpuCounts = { dispatches: 0, passes: 0, submits: 0 };
  unwrap ??= wrap(scope as Required<GpuScope>);
  running.add(counts);
  return {
    counts,
    stop() {
      if (!running.delete(counts) || running.size > 0) return;
      unwrap?.();
      unwrap = null;
    },
  };
}

let forRun: GpuCounts | null = null;

/**
 * The bench's count: from the first call to the end of the worker (the same object on a
 * second call); null where the worker has no WebGPU.
 */
export function countGpuWork(): GpuCounts | null {
  forRun ??= startGpuCount()?.counts ?? null;
  return forRun;
}
