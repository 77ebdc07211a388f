import * as tf from '@tensorflow/tfjs';
import { forgetKernelSet, recordKernelSet } from '../ops/kernel-set';
import { ATTENTION_KERNELS } from './attention-kernel';
import { CROSS_ENTROPY_KERNELS } from './cross-entropy-kernel';
import { DENSE_KERNELS } from './dense-kernel';
import { EMBEDDING_KERNELS } from './embedding-kernel';
import { GELU_KERNELS } from './gelu-kernel';
import { LAYER_NORM_KERNELS } from './layer-norm-kernel';
import { OPTIMIZER_KERNELS } from './optimizer-kernels';
import { attachKernels, type LoadKernelBinary } from './wasm-kernel-module';
import { installWasmOverrides, removeWasmOverrides } from './wasm-overrides';

/**
 * The version of what installWasmKernels changes on 'wasm' (the Tp kernels, the BatchMatMul and
 * Identity overrides), recorded with every snapshot (ops/kernel-set.ts). Bump it with any change
 * that can move a result's last bit: a resume then reports itself exact up to float rounding.
 */
export const WASM_KERNEL_SET = 'wasm.1';

/** Every kernel the trainer registers for 'wasm', by family. */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  ...DENSE_KERNELS,
  ...LAYER_NORM_KERNELS,
  ...GELU_KERNELS,
  ...ATTENTION_KERNELS,
  ...CROSS_ENTROPY_KERNELS,
  ...EMBEDDING_KERNELS,
  ...OPTIMIZER_KERNELS,
];

/**
 * Attaches the trainer's own WebAssembly kernels to the running wasm backend, registers them
 * with tfjs (the op layer then uses them) and replaces tfjs-wasm's BatchMatMul and Identity
 * (wasm-overrides.ts). `load` gives the module's bytes: `loadBundledKernels` in the app (Vite
 * assets), the files themselves in Node. Idempotent.
 */
export async function installWasmKernels(load: LoadKernelBinary): Promise<void> {
  await attachKernels(load);
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) tf.registerKernel(config);
  }
  installWasmOverrides();
  recordKernelSet('wasm', WASM_KERNEL_SET);
}

/**
 * Undoes installWasmKernels (for comparisons and tests): the op layer's composites again, on
 * tfjs-wasm's own kernels. The module stays attached; installing again registers it again.
 */
export function removeWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) {
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
  }
  removeWasmOverrides();
  forgetKernelSet('wasm');
}
