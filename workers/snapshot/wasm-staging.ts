import * as tf from '@tensorflow/tfjs';
import type { Reader } from './webgpu-staging';

/** The parts of tfjs's WASM backend its own readSync uses: the heap and each tensor's offset. */
interface WasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/**
 * Readers for tensors on the WASM backend that copy each one's bytes out of WebAssembly memory
 * into ONE staging buffer, sized for the largest, reused tensor after tensor. tensor.data()
 * would allocate a fresh copy per tensor, and those copies pile up as garbage faster than the
 * collector frees them (measured: +66 MB of JS heap during a 100 MB snapshot). The memory
 * itself cannot be hashed or put in a Blob in place: with threads it is a SharedArrayBuffer,
 * which WebCrypto and Blob refuse. A reader's bytes are valid until its release(); read one
 * at a time. Other backends get null.
 */
export function stageOnWasm(tensors: readonly tf.Tensor[]): (Reader | null)[] {
  if (tf.getBackend() !== 'wasm') return tensors.map(() => null);
  const backend = tf.backend() as unknown as WasmInternals;
  const largest = Math.max(0, ...tensors.map((t) => t.size * 4));
  let staging: Uint8Array<ArrayBuffer> | null = null;
  let inUse = false;
  return tensors.map((t): Reader => async () => {
    if (inUse) throw new Error('WASM staging readers must run one at a time.');
    const info = backend.dataIdMap.get(t.dataId);
    if (info === undefined)
      throw new Error('The captured tensor is no longer on the WASM backend.');
    staging ??= new Uint8Array(largest);
    const size = t.size * 4; // float32 and int32 alike
    const bytes = staging.subarray(0, size);
    // The heap view is read now: memory growth replaces HEAPU8, as tfjs's own readSync assumes.
    bytes.set(backend.wasm.HEAPU8.subarray(info.memoryOffset, info.memoryOffset + size));
    inUse = true;
    return { bytes, release: () => (inUse = false) };
  });
}
