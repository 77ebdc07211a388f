import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { copyOut, stagingBuffer } from '../../workers/snapshot/copy-out';
import { stageOnHost, type HostRead } from '../../workers/snapshot/host-staging';

// Records each staging buffer handed out, to show one is shared by every tensor of a snapshot.
const staged = vi.hoisted(() => ({ buffers: [] as ArrayBufferLike[] }));
vi.mock('../../workers/snapshot/copy-out', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../workers/snapshot/copy-out')>();
  return {
    ...real,
    stagingBuffer: (n: number) => {
      const buffer = real.stagingBuffer(n);
      staged.buffers.push(buffer.buffer);
      return buffer;
    },
  };
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Odd sizes, both dtypes, -0, a subnormal and NaN payloads: bytes must survive untouched. */
function oddTensors(): tf.Tensor[] {
  const bits = new Uint32Array([0x7fc00001, 0xffc12345, 0x80000000, 0x00000001, 0x3f800000]);
  return [
    tf.tensor1d(new Float32Array(bits.buffer)),
    tf.tensor2d([1, -2, 3, 2147483647, -2147483648, 0, 7], [1, 7], 'int32'),
    tf.scalar(0.1),
    tf.tensor3d(
      Float32Array.from({ length: 3 * 5 * 7 }, (_, i) => Math.sin(i) * 1e-3),
      [3, 5, 7],
    ),
  ];
}

/** Each tensor's bytes as tfjs's own data() gives them. */
async function bytesOf(tensors: tf.Tensor[]): Promise<Uint8Array[]> {
  const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  return values.map((v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
}

async function expectExact(want: Uint8Array[], reads: (HostRead | null)[]) {
  expect(reads).toHaveLength(want.length);
  for (const [i, bytes] of want.entries()) {
    expect(reads[i], `tensor ${i}`).not.toBeNull();
    const copied = await reads[i]!.fetch();
    expect(new Uint8Array(await copied.blob.arrayBuffer()), `tensor ${i}`).toEqual(bytes);
    expect(await copied.sha256, `tensor ${i}`).toBe(sha(bytes));
  }
}

describe('copyOut', () => {
  it('takes its own copies at once: the source may be overwritten on return', async () => {
    const source = new Uint8Array([1, 2, 3, 4, 5]);
    const want = source.slice();
    const copied = copyOut(source);
    source.fill(0xee);
    expect(new Uint8Array(await copied.blob.arrayBuffer())).toEqual(want);
    expect(await copied.sha256).toBe(sha(want));
  });

  it('hands out the same staging buffer while it is alive, a larger one when asked', () => {
    const a = stagingBuffer(64);
    expect(stagingBuffer(16).buffer).toBe(a.buffer);
    const b = stagingBuffer(128);
    expect(b.buffer).not.toBe(a.buffer);
    expect(b.byteLength).toBe(128);
  });
});

describe.each(['cpu', 'wasm'] as const)('staging a snapshot on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it('copies every tensor out at once when nothing may wait, exactly', async () => {
    const tensors = oddTensors();
    const want = await bytesOf(tensors);
    staged.buffers = [];
    const reads = stageOnHost(tensors, 0);
    expect(reads.map((r) => r?.copied)).toEqual([true, true, true, true]);
    // The captures may go at once: the copies are already taken. Unshared memory needs no
    // staging buffer (Node's WASM runs without threads; the CPU backend's arrays are its own).
    tf.dispose(tensors);
    expect(staged.buffers).toHaveLength(0);
    await expectExact(want, reads);
  });

  it('leaves the smallest tensors to be read later, within the budget', async () => {
    const tensors = oddTensors();
    const want = await bytesOf(tensors);
    // 420 bytes in all: the [3, 5, 7] tensor (420) copied now, the rest (20 + 28 + 4) later.
    const reads = stageOnHost(tensors, 60);
    expect(reads.map((r) => r?.copied)).toEqual([false, false, false, true]);
    await expectExact(want, reads);
    expect(stageOnHost(tensors, Infinity).map((r) => r?.copied)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    tf.dispose(tensors);
  });

  it('by default copies out at once only on the CPU backend, and only beyond 8 MiB', () => {
    const big = tf.zeros([3 * 1024 * 1024]); // 12 MiB
    const small = tf.zeros([5]);
    expect(stageOnHost([small, big]).map((r) => r?.copied)).toEqual([false, backend === 'cpu']);
    tf.dispose([big, small]);
  });

  it('leaves tensors of other dtypes to be read the usual way', () => {
    const t = tf.tensor1d([true, false], 'bool');
    expect(stageOnHost([t], 0)).toEqual([null]);
    t.dispose();
  });
});

describe('staging a snapshot on wasm with threads', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each([0, Infinity])(
    'goes through ONE staging buffer when the memory is shared (budget %s)',
    async (lazyBytes) => {
      const tensors = oddTensors();
      const want = await bytesOf(tensors);
      const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
      const real = backend.wasm.HEAPU8;
      // What a threaded build has: the same bytes, in a SharedArrayBuffer.
      const shared = new Uint8Array(new SharedArrayBuffer(real.byteLength));
      shared.set(real);
      backend.wasm.HEAPU8 = shared;
      staged.buffers = [];
      try {
        const reads = stageOnHost(tensors, lazyBytes);
        await expectExact(want, reads);
      } finally {
        backend.wasm.HEAPU8 = real;
      }
      expect(staged.buffers).toHaveLength(4);
      // Copied at once, in one synchronous stretch: the same buffer for every tensor. (Read
      // later, a collection between two reads may free it; then a new one is made.)
      if (lazyBytes === 0) expect(new Set(staged.buffers).size).toBe(1);
      tf.dispose(tensors);
    },
  );
});
