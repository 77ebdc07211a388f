import { registerLayerNorm } from './layer-norm-kernel';
import { attachKernels, type LoadKernelBinary } from './wasm-kernel-module';

/**
 * Attaches the trainer's own WebAssembly kernels to the running wasm backend and registers
 * them with tfjs. `load` gives the module's bytes: `loadBundledKernels` in the app (Vite
 * assets), the files themselves in Node.
 */
export async function installWasmKernels(load: LoadKernelBinary): Promise<void> {
  await attachKernels(load);
  registerLayerNorm();
}
