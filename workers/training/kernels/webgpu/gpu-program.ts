import * as tf from '@tensorflow/tfjs';
import { KernelInstallError } from '../../../../src/shared/kernel-errors';

// The worker's TypeScript lib has no WebGPU types: the few objects used here, by shape.
interface Pipeline {
  getBindGroupLayout(index: number): unknown;
}
interface PassEncoder {
  setPipeline(pipeline: Pipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
}
interface Device {
  createShaderModule(descriptor: { code: string; label: string }): unknown;
  createComputePipeline(descriptor: object): Pipeline;
  createBindGroup(descriptor: object): unknown;
}

/** A uniform field as tfjs's WebGPU backend packs it (makeUniforms): scalars, 4 bytes each. */
interface Uniform {
  readonly type: 'int32' | 'uint32' | 'float32';
  readonly data: readonly number[];
}

/** A scalar the shader reads as `u.<name>`. */
export type Field = readonly [name: string, type: 'u32' | 'i32' | 'f32', value: number];

/**
 * The parts of tfjs's WebGPU backend (4.22) that its own runWebGPUProgram uses to record a
 * dispatch. Recorded the same way, our dispatches join tfjs's compute pass and its submit
 * batching (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE), in program order with tfjs's own.
 */
export interface WebGpuInternals {
  device: Device;
  tensorMap: { get(dataId: object): { resource?: unknown; values?: unknown } | undefined };
  commandEncoder: { beginComputePass(descriptor: object): PassEncoder } | null;
  computePassEncoder: PassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  uploadToGPU(dataId: object): void;
  makeUniforms(uniforms: Uniform[]): unknown;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * One dispatch of our own WGSL. The runner declares the bindings: each output as a read_write
 * array and each input as a read-only array (i32 for int32 tensors, f32 otherwise), by the
 * names given, in that order, then the fields (if any) as the uniform `u`; `body` holds the rest,
 * including `@compute @workgroup_size(...) fn main(...)`.
 */
export interface GpuDispatch {
  /** Names the pipeline in the cache: one per distinct WGSL source. */
  readonly key: string;
  readonly body: () => string;
  /** Fresh tensors (made by `output`) this dispatch writes, by their WGSL names. */
  readonly outputs: Readonly<Record<string, tf.TensorInfo>>;
  readonly inputs: Readonly<Record<string, tf.TensorInfo>>;
  readonly fields: readonly Field[];
  readonly workgroups: readonly [number, number, number];
}

const pipelines = new WeakMap<Device, Map<string, Pipeline>>();

/** Workgroups a dispatch may have along x (WebGPU's default maxComputeWorkgroupsPerDimension). */
const MAX_WORKGROUPS_X = 65535;

/**
 * Workgroups to cover `count` items at `perGroup` a workgroup: along x, then y where x would pass
 * WebGPU's limit. A shader finds its item as `flatIndex(gid, nwg)` (flatIndexWgsl).
 */
export function flatWorkgroups(count: number, perGroup: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(count / perGroup));
  const x = Math.min(groups, MAX_WORKGROUPS_X);
  return [x, Math.ceil(groups / x), 1];
}

/** The item index of a flat dispatch (flatWorkgroups) of workgroups of `size` invocations. */
export const flatIndexWgsl = (size: number) => `
fn flatIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.y * nwg.x * ${size}u + gid.x;
}`;

/** The running backend's internals, or a KernelInstallError where it is not tfjs's WebGPU. */
export function webgpuOf(backend: unknown): WebGpuInternals {
  const b = backend as Partial<WebGpuInternals> | undefined;
  if (b?.device === undefined || typeof b.makeUniforms !== 'function') {
    throw new KernelInstallError(
      'The WebGPU kernels were called on a backend that is not tfjs-webgpu. Install them with installWebGpuKernels() after tf.setBackend("webgpu").',
    );
  }
  return b as WebGpuInternals;
}

/** A new tensor of the backend's, its GPU buffer allocated, for a dispatch to write. */
export function output(gpu: WebGpuInternals, shape: number[], dtype: tf.DataType = 'float32') {
  const info = gpu.makeTensorInfo(shape, dtype);
  gpu.uploadToGPU(info.dataId);
  return info;
}

/** Frees a scratch tensor that no output aliases (after its dispatches are recorded). */
export function release(gpu: WebGpuInternals, info: tf.TensorInfo): void {
  gpu.disposeData(info.dataId, true);
}

const elementType = (t: tf.TensorInfo) => (t.dtype === 'float32' ? 'f32' : 'i32');

/** Fields padded to a multiple of four scalars, so the uniform struct fills whole 16-byte rows. */
function paddedFields(fields: readonly Field[]): Field[] {
  const padded = [...fields];
  while (padded.length % 4 !== 0) padded.push([`pad${padded.length}`, 'u32', 0]);
  return padded;
}

function declarations(d: GpuDispatch): string {
  const lines: string[] = [];
  let slot = 0;
  for (const [name, t] of Object.entries(d.outputs)) {
    lines.push(
      `@group(0) @binding(${slot++}) var<storage, read_write> ${name}: array<${elementType(t)}>;`,
    );
  }
  for (const [name, t] of Object.entries(d.inputs)) {
    lines.push(
      `@group(0) @binding(${slot++}) var<storage, read> ${name}: array<${elementType(t)}>;`,
    );
  }
  if (d.fields.length > 0) {
    const members = paddedFields(d.fields).map(([name, type]) => `  ${name}: ${type},`);
    lines.push(`struct Uniforms {\n${members.join('\n')}\n};`);
    lines.push(`@group(0) @binding(${slot}) var<uniform> u: Uniforms;`);
  }
  return lines.join('\n');
}

function pipelineFor(gpu: WebGpuInternals, d: GpuDispatch): Pipeline {
  let cache = pipelines.get(gpu.device);
  if (cache === undefined) pipelines.set(gpu.device, (cache = new Map()));
  let pipeline = cache.get(d.key);
  if (pipeline === undefined) {
    const code = `${declarations(d)}\n${d.body()}`;
    const module = gpu.device.createShaderModule({ code, label: d.key });
    pipeline = gpu.device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: d.key,
    });
    cache.set(d.key, pipeline);
  }
  return pipeline;
}

const UNIFORM_TYPES = { u32: 'uint32', i32: 'int32', f32: 'float32' } as const;

const binding = (gpu: WebGpuInternals, info: tf.TensorInfo) => {
  gpu.uploadToGPU(info.dataId);
  return { buffer: gpu.tensorMap.get(info.dataId)!.resource };
};

/**
 * Records one dispatch into tfjs's current compute pass exactly as runWebGPUProgram does (the
 * same pass, the same submit batching, and the buffers it uses marked as the queue's, so tfjs
 * defers freeing them until the submit). Every binding must be used by the shader: the layout
 * is WebGPU's 'auto', which leaves unused ones out. tfjs's profiler (tf.profile on webgpu, which
 * ends a pass per program to time it) times its own programs only, not these.
 */
export function dispatch(gpu: WebGpuInternals, d: GpuDispatch): void {
  const pipeline = pipelineFor(gpu, d);
  const tensors = [...Object.values(d.outputs), ...Object.values(d.inputs)];
  const entries: { binding: number; resource: unknown }[] = tensors.map((t, i) => ({
    binding: i,
    resource: binding(gpu, t),
  }));
  if (d.fields.length > 0) {
    const uniforms = paddedFields(d.fields).map(([, type, value]) => ({
      type: UNIFORM_TYPES[type],
      data: [value],
    }));
    entries.push({ binding: tensors.length, resource: gpu.makeUniforms(uniforms) });
  }
  for (const t of tensors) gpu.commandQueueOwnedIds.add(t.dataId);
  const group = gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  gpu.ensureCommandEncoderReady();
  gpu.computePassEncoder ??= gpu.commandEncoder!.beginComputePass({});
  gpu.computePassEncoder.setPipeline(pipeline);
  gpu.computePassEncoder.setBindGroup(0, group);
  gpu.computePassEncoder.dispatchWorkgroups(...d.workgroups);
  gpu.dispatchCountInPass += 1;
  if (gpu.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    gpu.endComputePassEncoder();
    gpu.submitQueue();
  }
}
