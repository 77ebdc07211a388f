import plainUrl from './wasm/kernels.wasm?url';
import sharedUrl from './wasm/kernels-shared.wasm?url';
import type { LoadKernelBinary } from './wasm-kernel-module';

/**
 * The kernel module as Vite bundles it for the worker: hashed assets beside tfjs's own .wasm
 * files (dist/assets/), fetched from the page's origin, so cross-origin isolation holds.
 */
export const loadBundledKernels: LoadKernelBinary = async (shared) => {
  const response = await fetch(shared ? sharedUrl : plainUrl);
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
  return response.arrayBuffer();
};
