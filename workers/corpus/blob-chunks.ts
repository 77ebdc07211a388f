import { CorpusUnreadableError } from '../../src/shared/errors';
import { Backoff, pauseFor, realClock, type BackoffPolicy } from '../store';

// Reading a user's text file (a File, or several joined into one Blob) in order, a piece at a
// time, never holding the whole of it: the one way corpora are read, for their hash and for
// tokenizing.

/** The most bytes handed on at a time, and the size of the one buffer they are read into. */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * A Blob's bytes from `from` on, in order, in pieces of `chunkBytes` (the last may be shorter),
 * never holding the whole of it. A piece may be a view of a reused buffer, valid only until
 * the next piece is asked for (then detached: length 0): a consumer copies what it keeps (the
 * splitter, the BPE encoder and the hashes all do).
 *
 * In a worker (FileReaderSync there) a slice at a time, synchronously: see syncChunks for why.
 * Elsewhere (Node, a page) as a stream: in a Chromium worker that measured 160 MB/s against
 * 35 MB/s for 1 MiB slices read one by one (each slice is a round trip to the blob registry).
 * Read with a BYOB reader into that one buffer, filled whole: a fresh ArrayBuffer per stream
 * chunk cost 8 to 15 ms per MB in Chromium on this loaded machine, the BYOB reads under 1
 * (bench/corpus-probe.mjs, docs/PERFORMANCE.md), and Node's file-backed Blobs stream in 64 KiB
 * chunks that each cost a round of the tokenize loop. Streams without BYOB reads are read
 * chunk by chunk, re-cut to `chunkBytes`.
 */
export async function* blobChunks(
  blob: Blob,
  from = 0,
  signal?: AbortSignal,
  chunkBytes = READ_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  const SyncReader = (globalThis as { FileReaderSync?: new () => SyncBlobReader }).FileReaderSync;
  if (SyncReader !== undefined) {
    yield* syncChunks(new SyncReader(), blob, from, signal, chunkBytes);
    return;
  }
  const stream = blob.slice(from).stream();
  const reader = byobReader(stream);
  if (reader === null) {
    yield* defaultReaderChunks(stream.getReader(), signal, chunkBytes);
    return;
  }
  let buffer = new ArrayBuffer(chunkBytes);
  try {
    for (let done = false; !done;) {
      signal?.throwIfAborted();
      let filled = 0;
      while (filled < chunkBytes) {
        const read = await reader.read(new Uint8Array(buffer, filled, chunkBytes - filled));
        // Each read transfers the buffer; the result's view is the way back to its memory.
        if (read.value !== undefined) buffer = read.value.buffer;
        if (read.done) {
          done = true;
          break;
        }
        filled += read.value.length;
      }
      if (filled > 0) yield new Uint8Array(buffer, 0, filled);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

interface SyncBlobReader {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/**
 * How many bytes one synchronous read takes: each read is a round trip to the browser's blob
 * registry and a fresh ArrayBuffer. A 256 MB in-memory Blob in a Chromium worker (quiet
 * machine): 1 MiB reads 250–390 MB/s, 4 MiB 530, 16 MiB 490–930 (BYOB streams 1.8–2.0 GB/s).
 * 16 MiB reads left 155–206 MB of read buffers awaiting collection in the bench's worker heap
 * (the corpus suite), 1 and 4 MiB 83–122 MB; 4 MiB it is. Handed on in pieces of `chunkBytes`.
 */
export const SYNC_READ_BYTES = 4 << 20;

/**
 * A read that fails with NotReadableError is tried again READ_RETRIES times, after 25, 50, 100
 * and 200 ms (READ_BACKOFF): Chromium refused, now and then, a read of a large in-memory Blob
 * (3 of some 640 reads in two probe runs over a fresh 256 MB Blob, it seems while the Blob was
 * paged out to disk), and the same read 10 ms later succeeded. A file changed or deleted on
 * disk fails every time: CorpusUnreadableError then.
 */
export const READ_RETRIES = 4;
export const READ_BACKOFF: BackoffPolicy = { minMs: 25, maxMs: 200, factor: 2 };
const readBackoff = new Backoff(realClock, READ_BACKOFF);

/**
 * A worker's synchronous reads (FileReaderSync), a slice at a time. In a Chromium worker that
 * trains while it tokenizes a new run's file (a new run on shards is made before the old one
 * stops), a Blob stream's reads could stop being answered under load: the second pass over a
 * file (after the hash pass) waited forever, one time in three with three tests at once
 * (tests/e2e/corpora-list.spec.ts, the clean-clone CI). A synchronous read waits on no task.
 */
async function* syncChunks(
  reader: SyncBlobReader,
  blob: Blob,
  from: number,
  signal: AbortSignal | undefined,
  chunkBytes: number,
): AsyncGenerator<Uint8Array> {
  const sliceBytes = chunkBytes * Math.max(1, Math.floor(SYNC_READ_BYTES / chunkBytes));
  for (let at = from; at < blob.size; at += sliceBytes) {
    signal?.throwIfAborted();
    const slice = blob.slice(at, Math.min(blob.size, at + sliceBytes));
    const bytes = new Uint8Array(await readSlice(reader, slice, blobName(blob), signal));
    for (let piece = 0; piece < bytes.length; piece += chunkBytes) {
      if (piece > 0) signal?.throwIfAborted();
      yield bytes.subarray(piece, Math.min(bytes.length, piece + chunkBytes));
    }
  }
}

async function readSlice(
  reader: SyncBlobReader,
  slice: Blob,
  name: string,
  signal: AbortSignal | undefined,
): Promise<ArrayBuffer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return reader.readAsArrayBuffer(slice);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'NotReadableError') throw err;
      if (attempt >= READ_RETRIES) throw new CorpusUnreadableError(name);
      await pauseFor(realClock, readBackoff.delayAfter(attempt + 1), signal).done;
    }
  }
}

/** A File's name, for the error; several files joined into one Blob have none. */
function blobName(blob: Blob): string {
  return 'name' in blob && typeof blob.name === 'string' && blob.name !== ''
    ? blob.name
    : 'the text file';
}

function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return stream.getReader({ mode: 'byob' });
  } catch {
    return null; // not a byte stream in this engine
  }
}

async function* defaultReaderChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
  chunkBytes: number,
): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      for (let at = 0; at < value.length; at += chunkBytes) {
        signal?.throwIfAborted();
        yield value.subarray(at, Math.min(value.length, at + chunkBytes));
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
