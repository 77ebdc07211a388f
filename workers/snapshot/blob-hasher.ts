import { serializeError } from '../../src/shared/errors';
import { copyOut, stagingBuffer } from './copy-out';

/**
 * The snapshot hasher: a worker of the training worker's own that turns bytes into a Blob and
 * their SHA-256, so the training thread does neither. Chromium builds a Blob (about 0.5 ms plus
 * 1 to 2 ms/MB measured here) and runs digest() (1.3 to 3 ms/MB) on the calling thread: at
 * 100 MB of state that was 0.3 to 0.5 s of every snapshot taken out of training.
 *
 * Requests carry a batch: every copy the training thread asked for since the last one went out
 * (a snapshot asks for all its tensors at once), so a snapshot of many small tensors costs two
 * replies per batch rather than two per tensor. Each reply is a task the training thread runs
 * between two steps: one round trip per tensor held a 60-tensor GPT's commit back 60 steps.
 * - `bytes`: a buffer transferred here, filled by the training thread (one memcpy there per
 *   segment). It is sent back with the `copied` reply, as soon as the Blobs and the digests have
 *   taken their own copies, so ONE buffer goes back and forth for a whole snapshot.
 * - `shared`: spans of a SharedArrayBuffer (the WASM backend's memory when it runs threads),
 *   copied here into a staging buffer of this worker's: the training thread copies nothing.
 *   The sender keeps those spans unchanged until the `copied` reply.
 */

/** One copy in a batch: its bytes at `offset` of the buffer or shared memory. */
export interface Segment {
  readonly id: number;
  readonly offset: number;
  readonly length: number;
}

export type HashRequest =
  | {
      readonly kind: 'bytes';
      readonly buffer: ArrayBuffer;
      readonly segments: readonly Segment[];
    }
  | {
      readonly kind: 'shared';
      readonly memory: SharedArrayBuffer;
      readonly segments: readonly Segment[];
    };

export type HashReply =
  /** The batch's Blobs (those that could be read); a `bytes` request's buffer comes back. */
  | {
      readonly kind: 'copied';
      readonly blobs: readonly { readonly id: number; readonly blob: Blob }[];
      readonly buffer: ArrayBuffer | null;
    }
  /** The batch's digests, once all of them are done. */
  | {
      readonly kind: 'hashed';
      readonly digests: readonly { readonly id: number; readonly sha256: string }[];
    }
  /** These copies (or their digests) failed. */
  | { readonly kind: 'failed'; readonly ids: readonly number[]; readonly message: string };

/** What both ends of the conversation need: a Worker, its global scope, or a MessagePort. */
export interface HashPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Answers every request that arrives on `port`, in order of arrival. */
export function serveHashing(port: HashPort): void {
  port.addEventListener('message', (event: MessageEvent) => {
    answer(port, event.data as HashRequest);
  });
}

function answer(port: HashPort, request: HashRequest): void {
  const buffer = request.kind === 'bytes' ? request.buffer : null;
  const blobs: { id: number; blob: Blob }[] = [];
  const digests: Promise<{ id: number; sha256: string }>[] = [];
  for (const segment of request.segments) {
    const { id } = segment;
    try {
      const copied = copyOut(bytesOf(request, segment));
      blobs.push({ id, blob: copied.blob });
      digests.push(copied.sha256.then((sha256) => ({ id, sha256 })));
    } catch (err) {
      port.postMessage({ kind: 'failed', ids: [id], message: messageOf(err) }, []);
    }
  }
  // The Blobs and the digests hold copies of their own: the buffer may go back at once.
  port.postMessage({ kind: 'copied', blobs, buffer }, buffer === null ? [] : [buffer]);
  void Promise.allSettled(digests).then((settled) => {
    const done = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    port.postMessage({ kind: 'hashed', digests: done }, []);
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [i] : []));
    if (failed.length > 0) {
      const ids = failed.map((i) => blobs[i]!.id);
      const first = settled[failed[0]!] as PromiseRejectedResult;
      port.postMessage({ kind: 'failed', ids, message: messageOf(first.reason) }, []);
    }
  });
}

function bytesOf(request: HashRequest, { offset, length }: Segment): Uint8Array<ArrayBuffer> {
  if (request.kind === 'bytes') {
    if (offset < 0 || offset + length > request.buffer.byteLength) {
      throw new RangeError('segment beyond buffer');
    }
    return new Uint8Array(request.buffer, offset, length);
  }
  const { memory } = request;
  if (offset < 0 || offset + length > memory.byteLength) {
    throw new RangeError(`bytes ${offset}..${offset + length} are outside the shared memory`);
  }
  // Neither Blob nor digest() takes shared memory: through this worker's staging buffer.
  const staging = stagingBuffer(length).subarray(0, length);
  staging.set(new Uint8Array(memory, offset, length));
  return staging;
}

function messageOf(err: unknown): string {
  const { name, message } = serializeError(err);
  return `${name}: ${message}`;
}
