import * as tf from '@tensorflow/tfjs';
import { copyLane, type CopyLane } from './copy-lane';
import type { Copied } from './copy-out';

/** The parts of tfjs's WebGL backend its own read() uses for a download through a buffer. */
interface WebGlInternals {
  texData: {
    get(dataId: object):
      | {
          texture?: { texture: WebGLTexture; texShape: [number, number] } | null;
          values?: unknown;
          slice?: unknown;
        }
      | undefined;
  };
  gpgpu: {
    gl: WebGL2RenderingContext;
    createBufferFromTexture(texture: WebGLTexture, rows: number, columns: number): WebGLBuffer;
    createAndWaitForFence(): Promise<void>;
  };
  decode(dataId: object): { dataId: object };
  disposeIntermediateTensorInfo(info: { dataId: object }): void;
}

/** One tensor's bytes staged on the GPU; fetch() waits for them and copies them out. */
export type Fetch = () => Promise<Copied>;

export interface WebGlStaged {
  /** Per tensor, null where the tensor has no texture to read (read it with data()). */
  readonly fetches: (Fetch | null)[];
  /** Frees the staged copies not fetched (after a failure); fetched ones are freed already. */
  dispose(): void;
}

/**
 * What tfjs's WebGL read() does for each tensor, but with the copies issued NOW, all together
 * at the step boundary, and every download landing in the copy lane's ONE buffer. read() (and
 * so data()) allocates a fresh Float32Array per tensor and caches it beside the texture: at
 * 100 MB of state that garbage piled up faster than the collector freed it (measured: +100 MB
 * of JS heap). Here each tensor is decoded into a dense RGBA float texture and copied by
 * readPixels into a pixel-pack buffer of its own (GPU memory), exactly as read() does; after one
 * fence, each fetch reads its buffer with getBufferSubData into the lane's buffer when that is
 * free, and the lane's hasher makes the Blob and the digest off this thread (copy-lane.ts).
 * int32 tensors live in float textures: they are rounded to Int32Array as read() does. The
 * captures are not needed once this returns.
 */
export function stageOnWebGl(
  tensors: readonly tf.Tensor[],
  lane: CopyLane = copyLane(),
): WebGlStaged {
  const none: WebGlStaged = { fetches: tensors.map(() => null), dispose: () => undefined };
  if (tf.getBackend() !== 'webgl' || !tf.env().getBool('WEBGL_BUFFER_SUPPORTED')) return none;
  const backend = tf.backend() as unknown as WebGlInternals;
  const gpgpu = backend.gpgpu;
  const gl = gpgpu.gl;
  const buffers: (WebGLBuffer | null)[] = [];
  try {
    for (const t of tensors) buffers.push(copyToBuffer(backend, t));
  } catch (err) {
    for (const b of buffers) if (b !== null) gl.deleteBuffer(b);
    throw err;
  }
  if (buffers.every((b) => b === null)) return none;
  const fence = gpgpu.createAndWaitForFence();
  fence.catch(() => undefined);
  const free = (i: number) => {
    const buffer = buffers[i];
    if (buffer == null) return;
    buffers[i] = null;
    gl.deleteBuffer(buffer);
  };
  const fetches = tensors.map((t, i): Fetch | null => {
    const buffer = buffers[i];
    if (buffer === null) return null;
    return async () => {
      try {
        await fence;
        return await lane.copy(t.size * 4, (into) => {
          if (buffers[i] !== buffer) throw new Error('This staged WebGL read was released.');
          const floats = new Float32Array(into.buffer, into.byteOffset, t.size);
          gl.bindBuffer(gl.PIXEL_PACK_BUFFER, buffer);
          gl.getBufferSubData(gl.PIXEL_PACK_BUFFER, 0, floats, 0, t.size);
          gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
          if (t.dtype === 'int32') {
            const ints = new Int32Array(into.buffer, into.byteOffset, t.size);
            for (let k = 0; k < t.size; k++) ints[k] = Math.round(floats[k]!);
          }
        });
      } finally {
        free(i);
      }
    };
  });
  return { fetches, dispose: () => tensors.forEach((_, i) => free(i)) };
}

/** tfjs's read() up to its fence: the tensor decoded densely, copied into a pack buffer. */
function copyToBuffer(backend: WebGlInternals, t: tf.Tensor): WebGLBuffer | null {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') return null;
  const data = backend.texData.get(t.dataId);
  // Values on the CPU (uploaded, or cached by a read) are read by data() without the GPU.
  if (data?.texture == null || data.values != null || data.slice != null) return null;
  const dense = backend.decode(t.dataId);
  try {
    const { texture, texShape } = backend.texData.get(dense.dataId)!.texture!;
    return backend.gpgpu.createBufferFromTexture(texture, texShape[0], texShape[1]);
  } finally {
    // GL runs commands in order: the copy above reads the texture before anything reuses it.
    backend.disposeIntermediateTensorInfo(dense);
  }
}
