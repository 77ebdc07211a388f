import * as tf from '@tensorflow/tfjs';
import { copyOut, stagingBuffer, type Copied } from './copy-out';

/** The parts of tfjs's WASM backend its own readSync uses: the heap and each tensor's offset. */
interface WasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/**
 * On the CPU backend, at most this many bytes of captures are left to be read in the background;
 * the rest is copied out at the step boundary. A capture still held when the next step runs
 * keeps its old array alive beside the variable's new one, and there that is JS heap: read in
 * the background, a snapshot would hold up to the whole old state. Copying out costs time at
 * the boundary (measured in Chromium here: a Blob about half a millisecond of fixed cost, then
 * about 1.5 ms/MB, and the digest about 1.5 ms/MB), so a small state is read entirely in the
 * background and a large one mostly at the boundary, largest tensors first.
 *
 * On WASM the held buffers are WebAssembly memory, and everything is left for the background:
 * measured at 20 and 100 MB of state (quick bench, BENCH_VERBOSE prints the memory's size), it
 * ended at the same size whether the captures were copied out at the boundary or held for the
 * background (133.3 to 160.0 MB and 756.7 to 885.7 MB from warm-up to the end of the heap phase;
 * in one run the growth came in a window without snapshots), while the boundary copy stalled a
 * 100 MB step for 276 ms instead of about 20. The budget can still be passed explicitly.
 */
export const HOST_LAZY_BYTES = 8 * 1024 * 1024;

/** How one tensor's bytes are had: `copied` ones are out already and the capture may go. */
export interface HostRead {
  readonly copied: boolean;
  /** Synchronous up to its result: each copy is complete (the staging buffer free) on return. */
  readonly fetch: () => Promise<Copied>;
}

/**
 * Readers for the WASM and CPU backends (null for other backends, other dtypes, or a tensor that
 * is not where expected). The largest tensors are copied out NOW, synchronously, into Blobs
 * with their digests started (copyOut), until at most `lazyBytes` remain (see HOST_LAZY_BYTES
 * for the defaults); those are copied out when fetched, one at a time. Call at the step
 * boundary and dispose the copied captures before the next step.
 *
 * WASM memory is a SharedArrayBuffer when the backend runs threads, which neither Blob nor
 * WebCrypto accepts: each tensor then goes through ONE staging buffer, sized for the largest and
 * reused (tensor.data() would allocate a fresh copy per tensor, garbage that piles up faster than
 * the collector frees it: +66 MB of JS heap measured at 100 MB of state). Unshared memory, and
 * the CPU backend's own arrays, are copied out in place.
 */
export function stageOnHost(
  tensors: readonly tf.Tensor[],
  lazyBytes = tf.getBackend() === 'cpu' ? HOST_LAZY_BYTES : Infinity,
): (HostRead | null)[] {
  const name = tf.getBackend();
  let copy: ((t: tf.Tensor) => Copied | null) | null = null;
  if (name === 'wasm') copy = wasmCopier(tensors, tf.backend() as unknown as WasmInternals);
  if (name === 'cpu') copy = copyOutOnCpu;
  if (copy === null) return tensors.map(() => null);
  const readable = tensors.map((t) => t.dtype === 'float32' || t.dtype === 'int32');
  // Largest first, until what is left fits the background budget.
  let left = tensors.reduce((sum, t, i) => sum + (readable[i] ? t.size * 4 : 0), 0);
  const now = new Set<number>();
  const bySize = [...tensors.keys()].filter((i) => readable[i]);
  for (const i of bySize.sort((a, b) => tensors[b]!.size - tensors[a]!.size)) {
    if (left <= lazyBytes) break;
    now.add(i);
    left -= tensors[i]!.size * 4;
  }
  const read = copy;
  return tensors.map((t, i): HostRead | null => {
    if (!readable[i]) return null;
    if (now.has(i)) {
      const copied = read(t);
      if (copied !== null) return { copied: true, fetch: () => Promise.resolve(copied) };
    }
    return {
      copied: false,
      fetch: async () => {
        const copied = read(t);
        if (copied === null) throw new Error('The captured tensor is no longer on the backend.');
        return copied;
      },
    };
  });
}

function wasmCopier(
  tensors: readonly tf.Tensor[],
  backend: WasmInternals,
): (t: tf.Tensor) => Copied | null {
  const largest = Math.max(0, ...tensors.map((t) => t.size * 4));
  return (t) => {
    const info = backend.dataIdMap.get(t.dataId);
    if (info === undefined) return null;
    const size = t.size * 4;
    // Read the heap view each time: memory growth replaces HEAPU8 (tfjs's readSync does too).
    const heap = backend.wasm.HEAPU8;
    const bytes = heap.subarray(info.memoryOffset, info.memoryOffset + size);
    if (!isShared(heap.buffer)) return copyOut(bytes as Uint8Array<ArrayBuffer>);
    // The last staging buffer while it is alive: one for the whole snapshot, and the next.
    const view = stagingBuffer(largest).subarray(0, size);
    view.set(bytes);
    return copyOut(view);
  };
}

function copyOutOnCpu(t: tf.Tensor): Copied | null {
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
