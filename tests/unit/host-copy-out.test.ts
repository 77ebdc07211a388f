import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyOut, stagingBuffer } from '../../workers/snapshot/copy-out';
import { copyOutOnHost } from '../../workers/snapshot/wasm-staging';

// Counts the staging buffers asked for, to show one is shared by every tensor of a snapshot.
const staged = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../workers/snapshot/copy-out', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../workers/snapshot/copy-out')>();
  return {
    ...real,
    stagingBuffer: (n: number) => {
      staged.calls++;
      return real.stagingBuffer(n);
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

async function expectExact(tensors: tf.Tensor[], copies: ReturnType<typeof copyOutOnHost>) {
  expect(copies).toHaveLength(tensors.length);
  for (const [i, t] of tensors.entries()) {
    const values = (await t.data()) as Float32Array | Int32Array;
    const want = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    const copied = copies[i]!;
    expect(copied, `tensor ${i}`).not.toBeNull();
    const got = new Uint8Array(await copied!.blob.arrayBuffer());
    expect(got, `tensor ${i}`).toEqual(want);
    expect(await copied!.sha256, `tensor ${i}`).toBe(sha(want));
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

describe('copying a snapshot out on the CPU backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });

  it('copies every tensor exactly, straight from its storage', async () => {
    const tensors = oddTensors();
    staged.calls = 0;
    const copies = copyOutOnHost(tensors);
    expect(staged.calls).toBe(0);
    await expectExact(tensors, copies);
    tf.dispose(tensors);
  });
});

describe('copying a snapshot out on the WASM backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    await tf.ready();
  });
  afterAll(() => vi.restoreAllMocks());

  it('copies every tensor exactly from unshared memory, without staging', async () => {
    const tensors = oddTensors();
    staged.calls = 0;
    const copies = copyOutOnHost(tensors);
    expect(staged.calls).toBe(0);
    // The captures may go at once: the copies are already taken.
    const values = await Promise.all(tensors.map((t) => t.data()));
    tf.dispose(tensors);
    for (const [i, v] of values.entries()) {
      const want = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      expect(new Uint8Array(await copies[i]!.blob.arrayBuffer())).toEqual(want);
      expect(await copies[i]!.sha256).toBe(sha(want));
    }
  });

  it('goes through ONE staging buffer when the memory is shared (threads)', async () => {
    const tensors = oddTensors();
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const real = backend.wasm.HEAPU8;
    // What a threaded build has: the same bytes, in a SharedArrayBuffer.
    const shared = new Uint8Array(new SharedArrayBuffer(real.byteLength));
    shared.set(real);
    backend.wasm.HEAPU8 = shared;
    staged.calls = 0;
    let copies;
    try {
      copies = copyOutOnHost(tensors);
    } finally {
      backend.wasm.HEAPU8 = real;
    }
    expect(staged.calls).toBe(1);
    await expectExact(tensors, copies);
    tf.dispose(tensors);
  });

  it('leaves tensors of other dtypes to be read the usual way', () => {
    const t = tf.tensor1d([true, false], 'bool');
    expect(copyOutOnHost([t])).toEqual([null]);
    t.dispose();
  });
});
