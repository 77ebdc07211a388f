import { HasherLostError } from '../../src/shared/errors';
import type { HashPort, HashReply, HashRequest, Segment } from './blob-hasher';
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

/** A copy asked for and not yet sent: bytes to fill, or a span of shared memory. */
type Queued = { readonly length: number; readonly settle: Pending } & (
  | { readonly kind: 'bytes'; readonly fill: Fill }
  | { readonly kind: 'shared'; readonly memory: SharedArrayBuffer; readonly offset: number }
);

/**
 * How many bytes one batch of `copy`s may fill into the transfer buffer (a single larger tensor
 * goes alone): the training thread's memcpy per batch stays around a millisecond.
 */
export const BATCH_BYTES = 4 << 20;

/**
 * The training thread's end of the hasher (blob-hasher.ts). Copies asked for together (in one
 * task, as a snapshot asks for its tensors) travel as one batch and come back as one `copied`
 * and one `hashed` reply. One transfer buffer, sized for the batch, goes to the hasher with each
 * batch of `copy`s and comes back with its reply: the next batch's fills wait until it is back,
 * so a snapshot's bytes are in at most one buffer at a time. Between snapshots it is held
 * weakly, and a collection may free it.
 */
export class HasherLane implements CopyLane {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Queued[] = [];
  private kept: WeakRef<ArrayBuffer> | null = null;
  private lent = false;
  private flushQueued = false;
  private lost: HasherLostError | null = null;
  /** How many transfer buffers this lane has made (for tests: one per growth, not per copy). */
  buffersMade = 0;
  /** How many batches went to the hasher (for tests). */
  batchesSent = 0;

  constructor(private readonly port: HashPort) {
    port.addEventListener('message', (event) => this.receive(event.data as HashReply));
  }

  get broken(): boolean {
    return this.lost !== null;
  }

  copy(length: number, fill: Fill): Promise<Copied> {
    return this.enqueue((settle) => ({ kind: 'bytes', length, fill, settle }));
  }

  copyShared(memory: SharedArrayBuffer, offset: number, length: number): Promise<Copied> {
    return this.enqueue((settle) => ({ kind: 'shared', memory, offset, length, settle }));
  }

  /** The hasher is gone: every copy it held fails, and so does every later one. */
  fail(reason: string): void {
    this.lost ??= new HasherLostError(reason);
    for (const p of this.pending.values()) p.fail(this.lost);
    for (const q of this.queue.splice(0)) q.settle.fail(this.lost);
    this.pending.clear();
    this.lent = false;
  }

  private enqueue(make: (settle: Pending) => Queued): Promise<Copied> {
    if (this.lost !== null) return Promise.reject(this.lost);
    return new Promise<Copied>((resolve, reject) => {
      let settled = false;
      let hashed!: (hex: string) => void;
      let unhashed!: (err: Error) => void;
      const sha256 = new Promise<string>((res, rej) => {
        hashed = res;
        unhashed = rej;
      });
      sha256.catch(() => undefined);
      this.queue.push(
        make({
          blob: (blob) => {
            settled = true;
            resolve({ blob, sha256 });
          },
          sha256: hashed,
          fail: (err) => {
            if (!settled) reject(err);
            unhashed(err);
          },
        }),
      );
      this.scheduleFlush();
    });
  }

  /** After this task's other copies have been asked for: they go in the same batch. */
  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const shared = this.queue.filter((q) => q.kind === 'shared');
    const bytes = this.queue.filter((q) => q.kind === 'bytes');
    this.queue.splice(0, this.queue.length, ...bytes);
    for (const memory of new Set(shared.map((q) => q.memory))) {
      const spans = shared.filter((q) => q.memory === memory);
      const segments = spans.map((q) => ({
        ...this.register(q.settle),
        offset: q.offset,
        length: q.length,
      }));
      this.post({ kind: 'shared', memory, segments }, []);
    }
    if (!this.lent && this.queue.length > 0) this.sendBytes();
  }

  /** Fills as many queued copies as the batch holds into the transfer buffer, and sends it. */
  private sendBytes(): void {
    const batch = [this.queue.shift() as Queued & { kind: 'bytes' }];
    let total = batch[0]!.length;
    const limit = Math.max(BATCH_BYTES, total);
    while (this.queue.length > 0 && total + this.queue[0]!.length <= limit) {
      const next = this.queue.shift() as Queued & { kind: 'bytes' };
      total += next.length;
      batch.push(next);
    }
    const buffer = this.bufferOf(total);
    this.lent = true;
    const segments: Segment[] = [];
    let offset = 0;
    for (const q of batch) {
      try {
        q.fill(new Uint8Array(buffer, offset, q.length));
      } catch (err) {
        q.settle.fail(err as Error);
        continue;
      }
      segments.push({ ...this.register(q.settle), offset, length: q.length });
      offset += q.length;
    }
    if (segments.length === 0) this.giveBack(buffer);
    else this.post({ kind: 'bytes', buffer, segments }, [buffer]);
  }

  private register(settle: Pending): { id: number } {
    const id = this.nextId++;
    this.pending.set(id, settle);
    return { id };
  }

  private post(request: HashRequest, transfer: Transferable[]): void {
    this.batchesSent++;
    this.port.postMessage(request, transfer);
  }

  private receive(reply: HashReply): void {
    if (reply.kind === 'copied') {
      if (reply.buffer !== null) this.giveBack(reply.buffer);
      for (const { id, blob } of reply.blobs) this.pending.get(id)?.blob(blob);
    } else if (reply.kind === 'hashed') {
      for (const { id, sha256 } of reply.digests) {
        this.pending.get(id)?.sha256(sha256);
        this.pending.delete(id);
      }
    } else {
      const err = new Error(`The snapshot hasher could not copy a tensor: ${reply.message}`);
      for (const id of reply.ids) {
        this.pending.get(id)?.fail(err);
        this.pending.delete(id);
      }
    }
  }

  private giveBack(buffer: ArrayBuffer): void {
    this.kept = new WeakRef(buffer);
    this.lent = false;
    if (this.queue.length > 0) this.scheduleFlush();
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
