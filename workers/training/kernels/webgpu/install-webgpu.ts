import * as tf from '@tensorflow/tfjs';
import { forgetKernelSet, recordKernelSet } from '../../ops/kernel-set';
import { ATTENTION_WEBGPU_KERNELS } from './attention-webgpu';
import { CROSS_ENTROPY_WEBGPU_KERNELS } from './cross-entropy-webgpu';
import { EMBEDDING_WEBGPU_KERNELS } from './embedding-webgpu';
import { GELU_WEBGPU_KERNELS } from './gelu-webgpu';
import { LAYER_NORM_WEBGPU_KERNELS } from './layer-norm-webgpu';
import { OPTIMIZER_WEBGPU_KERNELS } from './optimizer-webgpu';

/**
 * The version of the WGSL kernels installWebGpuKernels registers on 'webgpu', recorded with
 * every snapshot (ops/kernel-set.ts). Bump it with any change that can move a result's last bit.
 */
export const WEBGPU_KERNEL_SET = 'webgpu.1';

/** Every kernel the trainer registers for 'webgpu', by family. TpDense stays tfjs's matmuls. */
export const WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  ...LAYER_NORM_WEBGPU_KERNELS,
  ...GELU_WEBGPU_KERNELS,
  ...ATTENTION_WEBGPU_KERNELS,
  ...CROSS_ENTROPY_WEBGPU_KERNELS,
  ...EMBEDDING_WEBGPU_KERNELS,
  ...OPTIMIZER_WEBGPU_KERNELS,
];

/**
 * Registers the trainer's WGSL kernels for 'webgpu' (the op layer then uses them). They record
 * their dispatches into tfjs-webgpu's own command stream (gpu-program.ts), so they need nothing
 * of the device beyond what tfjs made. Idempotent.
 */
export function installWebGpuKernels(): void {
  for (const config of WEBGPU_KERNELS) {
    if (tf.getKernel(config.kernelName, 'webgpu') === undefined) tf.registerKernel(config);
  }
  recordKernelSet('webgpu', WEBGPU_KERNEL_SET);
}

/** Undoes installWebGpuKernels (comparisons and tests): the op layer's composites again. */
export function removeWebGpuKernels(): void {
  for (const config of WEBGPU_KERNELS) {
    if (tf.getKernel(config.kernelName, 'webgpu') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'webgpu');
    }
  }
  forgetKernelSet('webgpu');
}
