import * as tf from '@tensorflow/tfjs';
import type { BackendName, RunConfig } from '../../src/shared/config';
import { ModelTooLargeError } from '../../src/shared/errors';
import { exceededLimit, trainingMemory, type MemoryLimits } from '../../src/shared/memory-estimate';

/** WebAssembly memory is 32-bit: tfjs's build grows it up to 4 GiB, and every tensor lives there. */
const WASM_MEMORY_BYTES = 4 * 1024 * 1024 * 1024;

interface GpuBackendLike {
  device?: { limits: { maxBufferSize: number; maxStorageBufferBindingSize: number } };
}

/**
 * What a backend can hold, as far as it says. WASM: its 4 GiB memory for everything. WebGPU:
 * the device's largest storage buffer per tensor (it does not say how much memory it has).
 * WebGL: a tensor is a texture of at most MAX_TEXTURE_SIZE² texels of four floats. CPU: no
 * limit the trainer can read.
 */
export function backendLimits(name: BackendName): MemoryLimits {
  switch (name) {
    case 'wasm':
      return { totalBytes: WASM_MEMORY_BYTES, largestTensorBytes: null };
    case 'webgpu': {
      const limits = (tf.findBackend('webgpu') as GpuBackendLike | undefined)?.device?.limits;
      if (limits === undefined) return { totalBytes: null, largestTensorBytes: null };
      const largest = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
      return { totalBytes: null, largestTensorBytes: largest };
    }
    case 'webgl': {
      const side = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
      return { totalBytes: null, largestTensorBytes: side * side * 4 * 4 };
    }
    case 'cpu':
      return { totalBytes: null, largestTensorBytes: null };
  }
}

/** Refuses, before anything is allocated, a config that cannot train on this backend. */
export function checkFitsBackend(
  config: RunConfig,
  vocabSize: number,
  backend: BackendName,
  limits: MemoryLimits = backendLimits(backend),
): void {
  const over = exceededLimit(trainingMemory(config, vocabSize), limits);
  if (over === null) return;
  throw new ModelTooLargeError({
    backend,
    needBytes: over.need,
    limitBytes: over.max,
    limit: over.limit,
  });
}
