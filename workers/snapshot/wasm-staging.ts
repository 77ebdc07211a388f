import * as tf from '@tensorflow/tfjs';
import { copyOut, stagingBuffer, type Copied } from './copy-out';

/** The parts of tfjs's WASM backend its own readSync uses: the heap and each tensor's offset. */
interface WasmInternals {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

/**
 * At most this many bytes of captures are left to be read in the background; the rest is
 * copied out at the step boundary. A capture still held when the next step runs keeps its old
 * buffer alive beside the variable's new one: on WASM that grows the WebAssembly memory (which
 * never shrinks, and which the JS heap's backing stores include), on the CPU backend it is the
 * JS heap itself. Copying out costs time at the boundary (a Blob costs about half a millisecond
 * of fixed cost here, then about 1.5 ms/MB, and the digest about 1.5 ms/MB): a small state is
 * read entirely in the background, a large one mostly at the boundary, largest tensors first.
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
 * with their digests started (copyOut), until at most `lazyBytes` remain; those are copied out
 * when fetched. Call at the step boundary and dispose the copied captures before the next step.
 *
 * WASM memory is a SharedArrayBuffer when the backend runs threads, which neither Blob nor
 * WebCrypto accepts: each tensor then goes through ONE staging buffer, sized for the largest and
 * reused (tensor.data() would allocate a fresh copy per tensor, garbage that piles up faster than
 * the collector frees it: +66 MB of JS heap measured at 100 MB of state). Unshared memory, and
 * the CPU backend's own arrays, are copied out in place.
 */
export function stageOnHost(
  tensors: readonly tf.Tensor[],
  lazyBytes = HOST_LAZY_BYTES,
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
