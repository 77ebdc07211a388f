import type { GpuScope } from '../../workers/training/profile/gpu-work-counter';

/**
 * A fake WebGPU scope: the three interfaces the GPU work counter wraps, each method a no-op
 * that the counter must pass through to.
 */
export function fakeGpuScope() {
  class GPUComputePassEncoder {
    dispatchWorkgroups(_x: number, _y?: number, _z?: number): void {}
    end(): void {}
  }
  class GPUCommandEncoder {
    beginComputePass(): GPUComputePassEncoder {
      return new GPUComputePassEncoder();
    }
  }
  class GPUQueue {
    submit(_buffers: unknown[]): void {}
  }
  const scope = { GPUComputePassEncoder, GPUCommandEncoder, GPUQueue } satisfies GpuScope;
  const queue = new GPUQueue();
  /** Work as tfjs records it: one pass of `dispatches` programs, then `submits` submits. */
  const work = (dispatches: number, submits: number) => {
    const pass = new GPUCommandEncoder().beginComputePass();
    for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(1, 1, 1);
    pass.end();
    for (let i = 0; i < submits; i++) queue.submit([]);
  };
  return { scope, work };
}
