import { CorpusUnreadableError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import { Sha256Stream } from '../../src/shared/sha256-stream';
import type { BpeModel } from '../training/bpe/bpe-model';
import { tokenizerHash } from '../training/bpe/tokenizer-hash';
import { CORPUS_FORMAT, type CorpusIdentity } from './corpus-manifest';

/** How a corpus is tokenized: byte tokens or a BPE, and the separator as the config spells it. */
export interface CorpusSpec {
  readonly tokens: 'byte' | 'bpe';
  readonly separator: string;
  /** tokens=bpe: the run's learned BPE. */
  readonly bpe: BpeModel | null;
}

/** The most bytes handed on at a time, and the size of the one buffer they are read into. */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * A Blob's bytes from `from` on, in order, in pieces of `chunkBytes` (the last may be shorter),
 * never holding the whole of it. A piece may be a view of a reused buffer, valid only until
 * the next piece is asked for (then detached: length 0): a consumer copies what it keeps (the
 * splitter, the BPE encoder and the hashes all do).
 *
 * In a worker (FileReaderSync there) a slice at a time, synchronously: see syncChunks for why.
 * Elsewhere (Node, a page) as a stream: in a Chromium worker that measured 160 MB/s against 35 MB/s for 1 MiB
 * slices read one by one (each slice is a round trip to the blob registry). Read with a BYOB
 * reader into that one buffer, filled whole: a fresh ArrayBuffer per stream chunk cost 8 to 15
 * ms per MB in Chromium on this loaded machine, the BYOB reads under 1 (bench/corpus-probe.mjs,
 * docs/PERFORMANCE.md), and Node's file-backed Blobs stream in 64 KiB chunks that each cost a
 * round of the tokenize loop.
 * Streams without BYOB reads are read chunk by chunk, re-cut to `chunkBytes`.
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
 * A read that fails with NotReadableError is tried again after 25, 50, 100 and 200 ms: Chromium
 * refused, now and then, a read of a large in-memory Blob (3 of some 640 reads in two probe
 * runs over a fresh 256 MB Blob, it seems while the Blob was paged out to disk), and the same
 * read 10 ms later succeeded. A file changed or deleted on disk fails every time:
 * CorpusUnreadableError then.
 */
export const READ_RETRY_MS = [25, 50, 100, 200] as const;

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
      const wait = READ_RETRY_MS[attempt];
      if (wait === undefined) throw new CorpusUnreadableError(name);
      await pause(wait, signal);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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

/** SHA-256 of a Blob's bytes, streamed. */
export async function blobSha256(
  blob: Blob,
  signal?: AbortSignal,
  onBytes?: (done: number) => void,
): Promise<string> {
  const hash = new Sha256Stream();
  let done = 0;
  for await (const chunk of blobChunks(blob, 0, signal)) {
    hash.update(chunk);
    done += chunk.length;
    onBytes?.(done);
  }
  return hash.hex();
}

export async function corpusIdentity(
  textSha256: string,
  spec: CorpusSpec,
): Promise<CorpusIdentity> {
  if ((spec.tokens === 'bpe') !== (spec.bpe !== null)) {
    throw new Error('a corpus spec has a BPE exactly when tokens=bpe');
  }
  return {
    format: CORPUS_FORMAT,
    textSha256,
    tokenizer: spec.bpe === null ? 'byte' : await tokenizerHash(spec.bpe),
    textMode: `prose;separator=${spec.separator}`,
  };
}

/** The corpus's content address: SHA-256 of its identity, keys in the interface's order. */
export async function corpusAddress(identity: CorpusIdentity): Promise<string> {
  const { format, textSha256, tokenizer, textMode } = identity;
  const canonical = JSON.stringify({ format, textSha256, tokenizer, textMode });
  return await sha256Hex(new TextEncoder().encode(canonical));
}
