import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveHashing, type HashPort } from '../../workers/snapshot/blob-hasher';
import { HasherLostError } from '../../src/shared/errors';
import { BATCH_BYTES, HasherLane, inlineLane } from '../../workers/snapshot/copy-lane';
import type { Copied } from '../../workers/snapshot/copy-out';
import { stageOnHost } from '../../workers/snapshot/host-staging';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

/** A lane and a hasher on the two ends of a real MessageChannel: transfers as between workers. */
function hasherLane(): { lane: HasherLane; hasher: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  serveHashing(port2 as unknown as HashPort);
  const lane = new HasherLane(port1 as unknown as HashPort);
  port1.start();
  port2.start();
  return { lane, hasher: port2 };
}

async function expectBytes(copied: Copied, want: Uint8Array) {
  const got = new Uint8Array(await copied.blob.arrayBuffer());
  // Compared as buffers: toEqual walks megabytes element by element.
  expect(got.length).toBe(want.length);
  expect(Buffer.compare(got, want)).toBe(0);
  expect(await copied.sha256).toBe(sha(want));
}

function pattern(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

describe('the hasher lane', () => {
  it('gives exact bytes and digests; the source may change once fill returns', async () => {
    const { lane } = hasherLane();
    for (const [k, length] of [0, 1, 7, 4099, 1 << 18].entries()) {
      const source = pattern(length, k);
      const want = source.slice();
      const copied = lane.copy(length, (into) => into.set(source));
      // Not yet answered: fill has run, and what it copied is all the hasher sees.
      await Promise.resolve();
      source.fill(0xee);
      await expectBytes(await copied, want);
    }
  });

  it('sends copies asked for together as one batch: one buffer, one copied and one hashed reply', async () => {
    const { lane, hasher } = hasherLane();
    const replies: string[] = [];
    const post = hasher.postMessage.bind(hasher) as (m: unknown, t: Transferable[]) => void;
    hasher.postMessage = ((message: { kind: string }, transfer: Transferable[]) => {
      replies.push(message.kind);
      post(message, transfer);
    }) as MessagePort['postMessage'];
    const sizes = [100, 50, 200, 10, 200, 0];
    const copies = sizes.map((length, i) =>
      lane.copy(length, (into) => into.set(pattern(length, i))),
    );
    const done = await Promise.all(copies);
    for (const [i, copied] of done.entries()) await expectBytes(copied, pattern(sizes[i]!, i));
    expect(lane.batchesSent).toBe(1);
    expect(lane.buffersMade).toBe(1);
    expect(replies).toEqual(['copied', 'hashed']);
  });

  it('lends ONE buffer at a time: a batch past BATCH_BYTES waits until the buffer came back', async () => {
    const { lane, hasher } = hasherLane();
    // What the hasher has sent back so far, counted where it posts.
    let returned = 0;
    const post = hasher.postMessage.bind(hasher) as (m: unknown, t: Transferable[]) => void;
    hasher.postMessage = ((message: { kind: string }, transfer: Transferable[]) => {
      if (message.kind === 'copied') returned++;
      post(message, transfer);
    }) as MessagePort['postMessage'];
    const big = (BATCH_BYTES * 3) / 4;
    const sizes = [big, big, 10, BATCH_BYTES + 1];
    const returnedAtFill: number[] = [];
    const copies = sizes.map((length, i) =>
      lane.copy(length, (into) => {
        returnedAtFill.push(returned);
        into.set(pattern(length, i));
      }),
    );
    const done = await Promise.all(copies);
    // The first big one alone; the second with the small one; the one past the limit alone.
    expect(returnedAtFill).toEqual([0, 1, 1, 2]);
    for (const [i, copied] of done.entries()) await expectBytes(copied, pattern(sizes[i]!, i));
    expect(lane.batchesSent).toBe(3);
    // One buffer at a time, grown only when a batch needs more: for the first, for the second
    // (10 bytes more) and for the one past the limit.
    expect(lane.buffersMade).toBe(3);
  });

  it('reads spans of shared memory itself', async () => {
    const { lane } = hasherLane();
    const memory = new SharedArrayBuffer(1 << 16);
    const view = new Uint8Array(memory);
    view.set(pattern(view.length, 3));
    const spans = [
      [0, 16],
      [13, 4099],
      [60000, 5536],
      [100, 0],
    ] as const;
    const copies = spans.map(([offset, length]) => lane.copyShared(memory, offset, length));
    for (const [i, [offset, length]] of spans.entries()) {
      await expectBytes(await copies[i]!, view.slice(offset, offset + length));
    }
    expect(lane.batchesSent).toBe(1);
    expect(lane.buffersMade).toBe(0);
  });

  it('fails one copy with a reason and goes on: a span outside the memory, a fill that throws', async () => {
    const { lane } = hasherLane();
    const memory = new SharedArrayBuffer(64);
    await expect(lane.copyShared(memory, 60, 8)).rejects.toThrow(/outside the shared memory/);
    await lane.copy(32, () => undefined);
    await expect(
      lane.copy(16, () => {
        throw new Error('the staged read was released');
      }),
    ).rejects.toThrow('the staged read was released');
    // The buffer was kept: no new one, and the lane still answers.
    await expectBytes(await lane.copy(8, (into) => into.set(pattern(8, 1))), pattern(8, 1));
    expect(lane.buffersMade).toBe(1);
  });

  it('fails what the hasher held, and everything after, when the hasher is lost', async () => {
    // A hasher that never answers: the lane waits until it is declared lost.
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const lane = new HasherLane(port1 as unknown as HashPort);
    port1.start();
    const first = lane.copy(8, () => undefined);
    const second = lane.copy(8, () => undefined); // waits for the buffer
    const shared = lane.copyShared(new SharedArrayBuffer(8), 0, 8);
    await Promise.resolve();
    lane.fail('it crashed');
    for (const copy of [first, second, shared]) await expect(copy).rejects.toThrow(HasherLostError);
    await expect(lane.copy(8, () => undefined)).rejects.toThrow(/hasher stopped \(it crashed\)/);
    expect(lane.broken).toBe(true);
  });
});

describe('copyLane()', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('is inline where there is no Worker (Node)', async () => {
    const { copyLane } = await import('../../workers/snapshot/copy-lane');
    expect(copyLane()).toBe(inlineLane);
  });

  it('starts one hasher, keeps it, and goes inline for good once it fails', async () => {
    const started: FakeWorker[] = [];
    class FakeWorker extends EventTarget {
      readonly posted: unknown[] = [];
      terminated = false;
      constructor(
        readonly url: URL,
        readonly options: WorkerOptions,
      ) {
        super();
        started.push(this);
      }
      postMessage(message: unknown): void {
        this.posted.push(message);
      }
      terminate(): void {
        this.terminated = true;
      }
    }
    vi.stubGlobal('Worker', FakeWorker);
    const { copyLane, inlineLane: inline } = await import('../../workers/snapshot/copy-lane');
    const lane = copyLane();
    expect(lane).not.toBe(inline);
    expect(copyLane()).toBe(lane);
    expect(started).toHaveLength(1);
    expect(started[0]!.url.pathname).toMatch(/blob-hasher\.worker\.ts$/);
    expect(started[0]!.options).toMatchObject({ type: 'module', name: 'snapshot-hasher' });
    const held = lane.copy(4, () => undefined);
    await vi.waitFor(() => expect(started[0]!.posted).toHaveLength(1));
    started[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'no such script' }));
    await expect(held).rejects.toThrow(/hasher stopped \(no such script\)/);
    expect(started[0]!.terminated).toBe(true);
    expect(copyLane()).toBe(inline);
    expect(started).toHaveLength(1);
  });
});

describe('staging on wasm with threads, through the hasher', () => {
  it('sends spans of the shared memory: no copy on the training thread, exact bytes', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const tensors = [
      tf.tensor1d(new Float32Array(new Uint32Array([0x7fc00001, 0x80000000, 1]).buffer)),
      tf.tensor2d([1, -2, 2147483647, -2147483648], [2, 2], 'int32'),
      tf.randomUniform([1000], -1, 1, 'float32', 7),
    ];
    const want = await Promise.all(
      tensors.map(async (t) => {
        const v = (await t.data()) as Float32Array;
        return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
      }),
    );
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const real = backend.wasm.HEAPU8;
    const shared = new Uint8Array(new SharedArrayBuffer(real.byteLength));
    shared.set(real);
    backend.wasm.HEAPU8 = shared;
    const { lane } = hasherLane();
    const copyShared = vi.spyOn(lane, 'copyShared');
    const copy = vi.spyOn(lane, 'copy');
    try {
      const reads = stageOnHost(tensors, Infinity, lane);
      for (const [i, bytes] of want.entries()) await expectBytes(await reads[i]!.fetch(), bytes);
    } finally {
      backend.wasm.HEAPU8 = real;
    }
    expect(copyShared).toHaveBeenCalledTimes(3);
    expect(copy).not.toHaveBeenCalled();
    expect(lane.buffersMade).toBe(0);
    tf.dispose(tensors);
  });

  it('fills the lane from unshared memory when the lane is free', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const t = tf.tensor1d([1.5, -0, 3]);
    const want = new Uint8Array(new Float32Array([1.5, -0, 3]).buffer);
    const { lane } = hasherLane();
    const [read] = stageOnHost([t], Infinity, lane);
    expect(read!.copied).toBe(false);
    await expectBytes(await read!.fetch(), want);
    expect(lane.buffersMade).toBe(1);
    t.dispose();
  });
});
