import * as tf from '@tensorflow/tfjs';
import { copyLane, type CopyLane } from './copy-lane';
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
  /** Resolves once the bytes are in a Blob (the capture may go then); the digest may still run. */
  readonly fetch: () => Promise<Copied>;
}

/**
 * Readers for the WASM and CPU backends (null for other backends, other dtypes, or a tensor that
 * is not where expected). The largest tensors are copied out NOW, synchronously, into Blobs
 * with their digests started (copyOut), until at most `lazyBytes` remain (see HOST_LAZY_BYTES
 * for the defaults). The rest is copied out when fetched, through `lane` (by default the
 * snapshot hasher, a worker of its own: see copy-lane.ts), the capture held until then.
 *
 * WASM memory is a SharedArrayBuffer when the backend runs threads, which neither Blob nor
 * WebCrypto accepts: the hasher then reads the tensor's span of the memory itself, and the
 * training thread copies nothing. Copied now, such a tensor goes through ONE staging buffer,
 * sized for the largest and reused (tensor.data() would allocate a fresh copy per tensor,
 * garbage that piles up faster than the collector frees it: +66 MB of JS heap measured at
 * 100 MB of state). Unshared memory, and the CPU backend's own arrays, are copied from in place.
 */
export function stageOnHost(
  tensors: readonly tf.Tensor[],
  lazyBytes = tf.getBackend() === 'cpu' ? HOST_LAZY_BYTES : Infinity,
  lane: CopyLane = copyLane(),
): (HostRead | null)[] {
  const name = tf.getBackend();
  let source: ((t: tf.Tensor) => Source | null) | null = null;
  if (name === 'wasm') source = wasmSource(tf.backend() as unknown as WasmInternals);
  if (name === 'cpu') source = cpuSource;
  if (source === null) return tensors.map(() => null);
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
  const largest = Math.max(0, ...tensors.map((t) => t.size * 4));
  const of = source;
  const sourceOf = (t: tf.Tensor): Source => {
    const from = of(t);
    if (from === null) throw new Error('The captured tensor is no longer on the backend.');
    return from;
  };
  return tensors.map((t, i): HostRead | null => {
    if (!readable[i]) return null;
    if (now.has(i)) {
      const copied = copyNow(of(t), largest);
      if (copied !== null) return { copied: true, fetch: () => Promise.resolve(copied) };
    }
    return {
      copied: false,
      fetch: async () => {
        const from = sourceOf(t);
        if (from.shared !== null) {
          return lane.copyShared(from.shared.memory, from.shared.offset, from.bytes.byteLength);
        }
        // Looked up again when the lane is free: the WASM memory may have grown meanwhile.
        return lane.copy(from.bytes.byteLength, (into) => into.set(sourceOf(t).bytes));
      },
    };
  });
}

/** Where one tensor's bytes are now: `shared` when they are in shared memory. */
interface Source {
  readonly bytes: Uint8Array;
  readonly shared: { readonly memory: SharedArrayBuffer; readonly offset: number } | null;
}

/** Copied on this thread, at once: unshared bytes in place, shared ones via a staging buffer. */
function copyNow(from: Source | null, largest: number): Copied | null {
  if (from === null) return null;
  if (from.shared === null) return copyOut(from.bytes as Uint8Array<ArrayBuffer>);
  // The last staging buffer while it is alive: one for the whole snapshot, and the next.
  const view = stagingBuffer(largest).subarray(0, from.bytes.byteLength);
  view.set(from.bytes);
  return copyOut(view);
}

function wasmSource(backend: WasmInternals): (t: tf.Tensor) => Source | null {
  return (t) => {
    const info = backend.dataIdMap.get(t.dataId);
    if (info === undefined) return null;
    // Read the heap view each time: memory growth replaces HEAPU8 (tfjs's readSync does too).
    const heap = backend.wasm.HEAPU8;
    const offset = info.memoryOffset;
    const bytes = heap.subarray(offset, offset + t.size * 4);
    return { bytes, shared: isShared(heap.buffer) ? { memory: heap.buffer, offset } : null };
  };
}

function cpuSource(t: tf.Tensor): Source | null {
  // The CPU backend hands out its own storage: read, never written.
  const values = t.dataSync() as Float32Array | Int32Array;
  if (isShared(values.buffer)) return null;
  return {
    bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    shared: null,
  };
}

/** SharedArrayBuffer is not even defined on a page that is not cross-origin isolated. */
function isShared(buffer: ArrayBufferLike): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}
