import * as tf from '@tensorflow/tfjs';

// WebGPU constants (GPUBufferUsage.MAP_READ | COPY_DST, GPUMapMode.READ), spelled out because
// the worker's TypeScript lib has no WebGPU types.
const MAP_READ_COPY_DST = 0x0001 | 0x0008;
const MAP_MODE_READ = 0x0001;

interface StagingBuffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  destroy(): void;
}

/** The parts of tfjs's WebGPU backend a staged readback uses (it does the same in read()). */
interface WebGpuInternals {
  device: { createBuffer(descriptor: { size: number; usage: number }): StagingBuffer };
  tensorMap: { get(dataId: object): { resource?: unknown; values?: unknown } | undefined };
  commandEncoder: {
    copyBufferToBuffer(
      src: unknown,
      srcOffset: number,
      dst: StagingBuffer,
      dstOffset: number,
      size: number,
    ): void;
  } | null;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** A tensor's bytes, valid until release(): a mapped GPU range is read in place, not copied. */
export interface ReadBytes {
  /** The tensor's bytes exactly: a mapped range, read in place. */
  readonly bytes: ArrayBuffer | Uint8Array<ArrayBuffer>;
  release(): void;
}

export type Reader = () => Promise<ReadBytes>;

/**
 * Copies every GPU-resident tensor into its own mappable buffer in ONE submission, now, at the
 * step boundary. Each later map waits only for its copy, not for the training steps the loop
 * submits meanwhile (tensor.data() called later would queue behind them). Tensors still on the
 * CPU, and every tensor on other backends, get null: read them with data().
 */
export function stageOnGpu(tensors: readonly tf.Tensor[]): (Reader | null)[] {
  if (tf.getBackend() !== 'webgpu') return tensors.map(() => null);
  const backend = tf.backend() as unknown as WebGpuInternals;
  const sources = tensors.map((t) => {
    const data = backend.tensorMap.get(t.dataId);
    return data?.resource && data.values == null ? data.resource : null;
  });
  if (sources.every((s) => s === null)) return sources.map(() => null);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const readers = tensors.map((t, i): Reader | null => {
    const source = sources[i];
    if (source === null) return null;
    const size = t.size * 4; // float32 and int32 alike
    const staging = backend.device.createBuffer({ size, usage: MAP_READ_COPY_DST });
    backend.commandEncoder!.copyBufferToBuffer(source, 0, staging, 0, size);
    return async () => {
      try {
        await staging.mapAsync(MAP_MODE_READ);
      } catch (err) {
        staging.destroy();
        throw err;
      }
      // Hashed and copied into a Blob straight from the mapping: no copy in the JS heap.
      return { bytes: staging.getMappedRange(), release: () => staging.destroy() };
    };
  });
  backend.submitQueue();
  return readers;
}
