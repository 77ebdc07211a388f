import { readFile } from 'node:fs/promises';
import type { LoadKernelBinary } from '../../workers/training/kernels/wasm-kernel-module';

const dir = new URL('../../workers/training/kernels/wasm/', import.meta.url);

/** The committed kernel modules, read from disk as Node has no Vite asset URLs. */
export const loadKernelFiles: LoadKernelBinary = async (shared) => {
  const file = await readFile(new URL(shared ? 'kernels-shared.wasm' : 'kernels.wasm', dir));
  return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
};

/** The ids of a WebAssembly binary's sections, in order (after the 8-byte header). */
export function kernelModuleSections(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    ids.push(bytes[at]!);
    at += 1;
    // The section's size, an unsigned LEB128.
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      size |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    at += size;
  }
  return ids;
}
