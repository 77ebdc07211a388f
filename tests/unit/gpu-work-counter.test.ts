import { describe, expect, it } from 'vitest';
import { startGpuCount } from '../../workers/training/profile/gpu-work-counter';
import { fakeGpuScope } from './fake-gpu';

const methods = (scope: ReturnType<typeof fakeGpuScope>['scope']) => [
  scope.GPUComputePassEncoder.prototype.dispatchWorkgroups,
  scope.GPUCommandEncoder.prototype.beginComputePass,
  scope.GPUQueue.prototype.submit,
];

describe('the GPU work counter', () => {
  it('counts the dispatches, passes and submits made while it runs, and only those', () => {
    const { scope, work } = fakeGpuScope();
    work(4, 1);
    const count = startGpuCount(scope)!;
    work(7, 2);
    work(5, 1);
    count.stop();
    work(9, 3);
    expect(count.counts).toEqual({ dispatches: 12, passes: 2, submits: 3 });
  });

  it('puts the browser’s own methods back once the last count stops', () => {
    const { scope, work } = fakeGpuScope();
    const own = methods(scope);
    const outer = startGpuCount(scope)!;
    expect(methods(scope)).not.toEqual(own);
    work(3, 1);
    const inner = startGpuCount(scope)!;
    work(2, 1);
    inner.stop();
    // The outer count still runs: its methods stay wrapped.
    expect(methods(scope)).not.toEqual(own);
    work(1, 1);
    outer.stop();
    expect(methods(scope)).toEqual(own);
    expect(Object.hasOwn(scope.GPUQueue.prototype, 'submit')).toBe(true);
    expect(inner.counts).toEqual({ dispatches: 2, passes: 1, submits: 1 });
    expect(outer.counts).toEqual({ dispatches: 6, passes: 3, submits: 3 });
    // A second stop changes nothing.
    outer.stop();
    expect(methods(scope)).toEqual(own);
  });

  it('is null where the scope has no WebGPU', () => {
    const { scope } = fakeGpuScope();
    expect(startGpuCount({})).toBeNull();
    expect(startGpuCount({ ...scope, GPUQueue: undefined })).toBeNull();
  });
});
