import { serializeError } from '../../src/shared/errors';
import { copyOut, stagingBuffer } from './copy-out';

/**
 * The snapshot hasher: a worker of the training worker's own that turns bytes into a Blob and
 * their SHA-256, so the training thread does neither. Chromium builds a Blob (about 0.5 ms plus
 * 1 to 2 ms/MB measured here) and runs digest() (1.3 to 3 ms/MB) on the calling thread: at
 * 100 MB of state that was 0.3 to 0.5 s of every snapshot taken out of training.
 *
 * Two kinds of request:
 * - `bytes`: a buffer transferred here, filled by the training thread (one memcpy there). It is
 *   sent back with the `copied` reply, as soon as the Blob and the digest have taken their own
 *   copies, so ONE buffer goes back and forth for a whole snapshot.
 * - `shared`: a span of a SharedArrayBuffer (the WASM backend's memory when it runs threads),
 *   copied here into a staging buffer of this worker's: the training thread copies nothing.
 *   The sender keeps that span unchanged until the `copied` reply.
 */
export type HashRequest =
  | {
      readonly id: number;
      readonly kind: 'bytes';
      readonly buffer: ArrayBuffer;
      readonly length: number;
    }
  | {
      readonly id: number;
      readonly kind: 'shared';
      readonly memory: SharedArrayBuffer;
      readonly offset: number;
      readonly length: number;
    };

export type HashReply =
  /** The bytes are in `blob`; a `bytes` request's buffer comes back (null for `shared`). */
  | {
      readonly id: number;
      readonly kind: 'copied';
      readonly blob: Blob;
      readonly buffer: ArrayBuffer | null;
    }
  | { readonly id: number; readonly kind: 'hashed'; readonly sha256: string }
  /** Nothing was copied; a `bytes` request's buffer comes back all the same. */
  | {
      readonly id: number;
      readonly kind: 'failed';
      readonly message: string;
      readonly buffer: ArrayBuffer | null;
    };

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
  const { id } = request;
  const buffer = request.kind === 'bytes' ? request.buffer : null;
  const back = buffer === null ? [] : [buffer];
  let copied;
  try {
    copied = copyOut(bytesOf(request));
  } catch (err) {
    port.postMessage({ id, kind: 'failed', message: messageOf(err), buffer }, back);
    return;
  }
  // The Blob and the digest hold copies of their own: the buffer may go back at once.
  port.postMessage({ id, kind: 'copied', blob: copied.blob, buffer }, back);
  copied.sha256.then(
    (sha256) => port.postMessage({ id, kind: 'hashed', sha256 }, []),
    (err: unknown) =>
      port.postMessage({ id, kind: 'failed', message: messageOf(err), buffer: null }, []),
  );
}

function bytesOf(request: HashRequest): Uint8Array<ArrayBuffer> {
  if (request.kind === 'bytes') {
    if (request.length > request.buffer.byteLength) throw new RangeError('length beyond buffer');
    return new Uint8Array(request.buffer, 0, request.length);
  }
  const { memory, offset, length } = request;
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
