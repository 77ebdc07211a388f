import * as tf from '@tensorflow/tfjs';
import { copyOut, stagingBuffer, type Copied } from './copy-out';

/** The parts of tfjs's WASM backend its own readSync uses: the heap and each tensor's offset. */
interface WasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/**
 * On the WASM and CPU backends, copies every tensor's bytes out NOW, synchronously, at the step
 * boundary: into a Blob, with its digest started (copyOut). The caller may then dispose the
 * captures at once, before the next step.
 *
 * Why now and not in the background: a capture shares its buffer with the live variable, and
 * the next step assigns the variable a new one. Kept until a background read, the captures hold
 * the whole old state while training allocates the new: on WASM that grows the WebAssembly
 * memory (which never shrinks, and which the JS heap's backing stores include), on the CPU
 * backend it is the JS heap itself. Copied now, the old buffers are freed by the next step.
 *
 * WASM memory is a SharedArrayBuffer when the backend runs threads, which neither Blob nor
 * WebCrypto accepts: each tensor then goes through ONE staging buffer, sized for the largest and
 * reused (tensor.data() would allocate a fresh copy per tensor, garbage that piles up faster than
 * the collector frees it). Unshared memory, and the CPU backend's own arrays, are copied out
 * in place. Other backends, or a tensor that is not where expected: null.
 */
export function copyOutOnHost(tensors: readonly tf.Tensor[]): (Copied | null)[] {
  const backend = tf.getBackend();
  if (backend === 'wasm') return copyOutOnWasm(tensors, tf.backend() as unknown as WasmInternals);
  if (backend === 'cpu') return tensors.map(copyOutOnCpu);
  return tensors.map(() => null);
}

function copyOutOnWasm(tensors: readonly tf.Tensor[], backend: WasmInternals): (Copied | null)[] {
  let staging: Uint8Array<ArrayBuffer> | null = null;
  const largest = Math.max(0, ...tensors.map((t) => t.size * 4));
  return tensors.map((t) => {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') return null;
    const info = backend.dataIdMap.get(t.dataId);
    if (info === undefined) return null;
    const size = t.size * 4;
    // Read the heap view each time: memory growth replaces HEAPU8 (tfjs's readSync does too).
    const heap = backend.wasm.HEAPU8;
    const bytes = heap.subarray(info.memoryOffset, info.memoryOffset + size);
    if (!isShared(heap.buffer)) {
      return copyOut(bytes as Uint8Array<ArrayBuffer>);
    }
    staging ??= stagingBuffer(largest);
    const view = staging.subarray(0, size);
    view.set(bytes);
    return copyOut(view);
  });
}

function copyOutOnCpu(t: tf.Tensor): Copied | null {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') return null;
  // The CPU backend hands out its own storage: read, never written.
  const values = t.dataSync() as Float32Array | Int32Array;
  if (isShared(values.buffer)) return null;
  return copyOut(
    new Uint8Array(values.buffer as ArrayBuffer, values.byteOffset, values.byteLength),
  );
}

/** SharedArrayBuffer is not even defined on a page that is not cross-origin isolated. */
function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}
