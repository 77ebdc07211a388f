import type * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The parts of tfjs's CPU backend (MathBackendCPU) a kernel of ours uses. */
interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** What every CPU kernel of ours starts from: tensors' values, and outputs the backend owns. */
export interface CpuCall {
  /** A float32 tensor's values, read only (docs/KERNELS.md, rule 3). */
  floats(t: tf.TensorInfo): Float32Array;
  /** An int32 tensor's values, read only. */
  ints(t: tf.TensorInfo): Int32Array;
  /** A new float32 tensor holding `values` (taken, not copied). */
  output(shape: readonly number[], values: Float32Array): tf.TensorInfo;
}

export function cpuCall(args: KernelArgs): CpuCall {
  const backend = args.backend as unknown as CpuBackendLike;
  return {
    floats: (t) => backend.data.get(t.dataId).values as Float32Array,
    ints: (t) => backend.data.get(t.dataId).values as Int32Array,
    output: (shape, values) => backend.makeTensorInfo([...shape], 'float32', values),
  };
}
