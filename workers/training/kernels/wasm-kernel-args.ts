import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelsOf, offsetOf, type KernelExports } from './wasm-kernel-module';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** What every wasm kernel of ours starts from: the backend, our module, tensor offsets. */
export interface WasmCall {
  readonly backend: BackendWasm;
  readonly kernels: KernelExports;
  /** The byte offset of a tensor's data in tfjs-wasm's memory. */
  at(t: tf.TensorInfo): number;
  /** A new tensor tfjs owns (and frees when its last reference goes). */
  output(shape: readonly number[], dtype?: tf.DataType): tf.TensorInfo;
  /** Frees a tensor this kernel made for itself. */
  free(t: tf.TensorInfo): void;
}

export function wasmCall(args: KernelArgs): WasmCall {
  const backend = args.backend as BackendWasm;
  return {
    backend,
    kernels: kernelsOf(backend),
    at: (t) => offsetOf(backend, t),
    output: (shape, dtype = 'float32') => backend.makeOutput([...shape], dtype),
    free: (t) => backend.disposeData(t.dataId),
  };
}

export { requireDtype, requireShape, sizeOf } from './kernel-checks';
