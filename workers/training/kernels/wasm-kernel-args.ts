import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelInputError } from '../../../src/shared/kernel-errors';
import type { TpKernelName } from '../ops/kernel-names';
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

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Refuses a tensor of another dtype, naming the kernel, the input and what it takes. */
export function requireDtype(
  kernel: TpKernelName,
  name: string,
  t: tf.TensorInfo,
  dtype: 'float32' | 'int32',
): void {
  if (t.dtype !== dtype) {
    throw new KernelInputError(`${kernel}: ${name} is ${t.dtype}; it takes ${dtype} only.`);
  }
}

/** Refuses a shape that is not what the kernel needs, with both shapes in the message. */
export function requireShape(
  kernel: TpKernelName,
  name: string,
  t: tf.TensorInfo,
  expected: readonly number[],
): void {
  if (t.shape.length !== expected.length || t.shape.some((s, i) => s !== expected[i])) {
    throw new KernelInputError(
      `${kernel}: ${name} has shape [${t.shape.join(', ')}]; it must be [${expected.join(', ')}]. Pass tensors of the shapes the op documents.`,
    );
  }
}
