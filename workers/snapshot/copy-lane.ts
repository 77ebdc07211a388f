import { HasherLostError } from '../../src/shared/errors';
import type { HashPort, HashReply, HashRequest } from './blob-hasher';
import { copyOut, stagingBuffer, type Copied } from './copy-out';

/** Writes one tensor's bytes into `into` (exactly its length), synchronously. */
export type Fill = (into: Uint8Array<ArrayBuffer>) => void;

/**
 * Where a snapshot's tensors become Blobs and digests, read in the background after the step
 * boundary. The training thread's share is at most `fill` (one memcpy, or a WebGL readback).
 */
export interface CopyLane {
  /** `fill` writes the bytes; it may run later, when the lane's buffer is free. */
  copy(length: number, fill: Fill): Promise<Copied>;
  /** A span of shared memory, unchanged by the caller until the promise resolves. */
  copyShared(memory: SharedArrayBuffer, offset: number, length: number): Promise<Copied>;
}

/** On this thread: one staging buffer, the Blob and the digest made here (Node, or no hasher). */
export const inlineLane: CopyLane = {
  copy(length, fill) {
    const staging = stagingBuffer(length).subarray(0, length);
    fill(staging);
    return Promise.resolve(copyOut(staging));
  },
  copyShared(memory, offset, length) {
    return this.copy(length, (into) => into.set(new Uint8Array(memory, offset, length)));
  },
};

interface Pending {
  blob(blob: Blob): void;
  sha256(hex: string): void;
  fail(err: Error): void;
}

/**
 * The training thread's end of the hasher (blob-hasher.ts). One transfer buffer, sized for the
 * largest tensor asked for, goes to the hasher with each `copy` and comes back with its reply:
 * a `fill` waits until it is back, so a snapshot's bytes are in at most one buffer at a time.
 * Between snapshots it is held weakly, and a collection may free it.
 */
export class HasherLane implements CopyLane {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private kept: WeakRef<ArrayBuffer> | null = null;
  private lent = false;
  private readonly waiting: (() => void)[] = [];
  private lost: HasherLostError | null = null;
  /** How many transfer buffers this lane has made (for tests: one per growth, not per copy). */
  buffersMade = 0;

  constructor(private readonly port: HashPort) {
    port.addEventListener('message', (event) => this.receive(event.data as HashReply));
  }

  get broken(): boolean {
    return this.lost !== null;
  }

  async copy(length: number, fill: Fill): Promise<Copied> {
    await this.borrow();
    let buffer: ArrayBuffer | null = null;
    try {
      this.check();
      buffer = this.bufferOf(length);
      fill(new Uint8Array(buffer, 0, length));
    } catch (err) {
      this.giveBack(buffer);
      throw err;
    }
    return this.send({ id: this.nextId++, kind: 'bytes', buffer, length }, [buffer]);
  }

  copyShared(memory: SharedArrayBuffer, offset: number, length: number): Promise<Copied> {
    try {
      this.check();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.send({ id: this.nextId++, kind: 'shared', memory, offset, length }, []);
  }

  /** The hasher is gone: every copy it held fails, and so does every later one. */
  fail(reason: string): void {
    this.lost ??= new HasherLostError(reason);
    for (const p of this.pending.values()) p.fail(this.lost);
    this.pending.clear();
    this.lent = false;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private check(): void {
    if (this.lost !== null) throw this.lost;
  }

  private send(request: HashRequest, transfer: Transferable[]): Promise<Copied> {
    return new Promise<Copied>((resolve, reject) => {
      let settled = false;
      let hashed!: (hex: string) => void;
      let unhashed!: (err: Error) => void;
      const sha256 = new Promise<string>((res, rej) => {
        hashed = res;
        unhashed = rej;
      });
      sha256.catch(() => undefined);
      this.pending.set(request.id, {
        blob: (blob) => {
          settled = true;
          resolve({ blob, sha256 });
        },
        sha256: hashed,
        fail: (err) => {
          if (!settled) reject(err);
          unhashed(err);
        },
      });
      this.port.postMessage(request, transfer);
    });
  }

  private receive(reply: HashReply): void {
    if (reply.kind !== 'hashed' && reply.buffer !== null) this.giveBack(reply.buffer);
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    if (reply.kind === 'copied') pending.blob(reply.blob);
    if (reply.kind === 'hashed') {
      this.pending.delete(reply.id);
      pending.sha256(reply.sha256);
    }
    if (reply.kind === 'failed') {
      this.pending.delete(reply.id);
      pending.fail(new Error(`The snapshot hasher could not copy a tensor: ${reply.message}`));
    }
  }

  private async borrow(): Promise<void> {
    while (this.lent) await new Promise<void>((wake) => this.waiting.push(wake));
    this.lent = true;
  }

  private giveBack(buffer: ArrayBuffer | null): void {
    if (buffer !== null) this.kept = new WeakRef(buffer);
    this.lent = false;
    this.waiting.shift()?.();
  }

  private bufferOf(length: number): ArrayBuffer {
    const kept = this.kept?.deref();
    if (kept !== undefined && kept.byteLength >= length) return kept;
    this.kept = null;
    this.buffersMade++;
    return new ArrayBuffer(length);
  }
}

let shared: { lane: HasherLane; worker: Worker } | null = null;

/**
 * The lane snapshots use: the hasher worker where this thread can start one (a worker of the
 * training worker's; started on first use and kept), on this thread otherwise (Node, where
 * there is no Worker). A hasher that fails is not started again: later snapshots go inline.
 */
export function copyLane(): CopyLane {
  if (shared?.lane.broken === true) return inlineLane;
  if (shared !== null) return shared.lane;
  if (typeof Worker === 'undefined') return inlineLane;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./blob-hasher.worker.ts', import.meta.url), {
      type: 'module',
      name: 'snapshot-hasher',
    });
  } catch {
    return inlineLane;
  }
  const lane = new HasherLane(worker);
  worker.addEventListener('error', (event) => {
    lane.fail(event.message || 'it failed to start');
    worker.terminate();
  });
  worker.addEventListener('messageerror', () => lane.fail('a reply could not be read'));
  shared = { lane, worker };
  return lane;
}
