import * as tf from '@tensorflow/tfjs';
import { forgetKernelSet, recordKernelSet } from '../../ops/kernel-set';
import { installCpuAdd, removeCpuAdd } from './cpu-add-override';
import { CPU_ATTENTION_KERNELS } from './cpu-attention';
import { CPU_CROSS_ENTROPY_KERNELS } from './cpu-cross-entropy';
import { CPU_DENSE_KERNELS } from './cpu-dense';
import { CPU_EMBEDDING_KERNELS } from './cpu-embedding';
import { CPU_GELU_KERNELS } from './cpu-gelu';
import { CPU_LAYER_NORM_KERNELS } from './cpu-layer-norm';
import { CPU_OPTIMIZER_KERNELS } from './cpu-optimizer';

/**
 * The version of the Tp kernels installCpuKernels registers for 'cpu', recorded with every
 * snapshot (ops/kernel-set.ts). Dense, embeddings, the global norm and Adam give the composites'
 * bits; layer norm, GELU, attention and the loss round differently (docs/KERNELS.md), so a run
 * on these kernels is its own stack. Bump it with any change that can move a result's last bit.
 */
export const CPU_KERNEL_SET = 'cpu.1';

/** Every kernel the trainer registers for 'cpu', by family. */
export const CPU_KERNELS: readonly tf.KernelConfig[] = [
  ...CPU_DENSE_KERNELS,
  ...CPU_LAYER_NORM_KERNELS,
  ...CPU_GELU_KERNELS,
  ...CPU_ATTENTION_KERNELS,
  ...CPU_CROSS_ENTROPY_KERNELS,
  ...CPU_EMBEDDING_KERNELS,
  ...CPU_OPTIMIZER_KERNELS,
];

/**
 * Registers the trainer's JavaScript kernels for tfjs's CPU backend (the op layer then uses
 * them), and tfjs-cpu's Add replaced by a flat loop of the same bits (cpu-add-override.ts). The
 * app installs them when it trains on 'cpu'; unit tests and the golden vectors run the
 * composites, which stay the reference the Python bridge is checked against. Idempotent.
 */
export function installCpuKernels(): void {
  for (const config of CPU_KERNELS) {
    if (tf.getKernel(config.kernelName, 'cpu') === undefined) tf.registerKernel(config);
  }
  installCpuAdd();
  recordKernelSet('cpu', CPU_KERNEL_SET);
}

/** Undoes installCpuKernels (comparisons and tests): the op layer's composites again. */
export function removeCpuKernels(): void {
  for (const config of CPU_KERNELS) {
    if (tf.getKernel(config.kernelName, 'cpu') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'cpu');
    }
  }
  removeCpuAdd();
  forgetKernelSet('cpu');
}
