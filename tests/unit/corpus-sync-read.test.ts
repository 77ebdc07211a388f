import { afterEach, describe, expect, it } from 'vitest';
import { READ_RETRIES, SYNC_READ_BYTES, blobChunks } from '../../workers/corpus/blob-chunks';
import { blobSha256 } from '../../workers/corpus/corpus-address';
import { sha256Hex } from '../../src/shared/hash';

// blobChunks in a worker reads through FileReaderSync (blob-chunks.ts). Node has none, so
// these tests give it one over a fake Blob whose slices remember where they start, and count
// and fail its reads as Chromium's can.

interface FakeSlice {
  readonly start: number;
  readonly end: number;
}

/** A Blob over `bytes` that slices as Blob does and that the fake reader reads synchronously. */
function fakeBlob(bytes: Uint8Array, name?: string): Blob {
  const from = (start: number, end: number) => ({
    start,
    end,
    size: end - start,
    slice: (a = 0, b = end - start) =>
      from(start + a, Math.min(end, start + Math.min(b, end - start))),
    ...(name === undefined ? {} : { name }),
  });
  return from(0, bytes.length) as unknown as Blob;
}

const reads: FakeSlice[] = [];
let failures: (slice: FakeSlice, attempt: number) => Error | null = () => null;

function installReader(bytes: Uint8Array) {
  const attempts = new Map<number, number>();
  (globalThis as { FileReaderSync?: unknown }).FileReaderSync = class {
    readAsArrayBuffer(blob: Blob): ArrayBuffer {
      const slice = blob as unknown as FakeSlice;
      const attempt = attempts.get(slice.start) ?? 0;
      attempts.set(slice.start, attempt + 1);
      reads.push(slice);
      const error = failures(slice, attempt);
      if (error !== null) throw error;
      return bytes.slice(slice.start, slice.end).buffer;
    }
  };
}

function notReadable(): Error {
  return new DOMException('The requested file could not be read', 'NotReadableError');
}

function patterned(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}

async function readAll(blob: Blob, from: number, chunkBytes: number, signal?: AbortSignal) {
  const pieces: Uint8Array[] = [];
  for await (const chunk of blobChunks(blob, from, signal, chunkBytes)) pieces.push(chunk.slice());
  const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) joined.set(p, (at += p.length) - p.length);
  return { lengths: pieces.map((p) => p.length), joined };
}

afterEach(() => {
  delete (globalThis as { FileReaderSync?: unknown }).FileReaderSync;
  reads.length = 0;
  failures = () => null;
});

describe('blobChunks through FileReaderSync (a worker)', () => {
  // Two and a half read slices: the last slice is shorter and not a multiple of the pieces.
  const bytes = patterned(2 * SYNC_READ_BYTES + 1_234_567);

  it('reads large slices and hands them on in pieces of chunkBytes, from any byte', async () => {
    installReader(bytes);
    const chunkBytes = 1 << 20;
    for (const from of [0, 12_345, SYNC_READ_BYTES + 1]) {
      reads.length = 0;
      const { lengths, joined } = await readAll(fakeBlob(bytes), from, chunkBytes);
      expect(joined.length).toBe(bytes.length - from);
      expect(Buffer.compare(joined, bytes.subarray(from))).toBe(0);
      expect(lengths.slice(0, -1).every((n) => n <= chunkBytes)).toBe(true);
      // One read per SYNC_READ_BYTES, not one per piece.
      expect(reads.length).toBe(Math.ceil((bytes.length - from) / SYNC_READ_BYTES));
      expect(reads.every((r) => r.end - r.start <= SYNC_READ_BYTES)).toBe(true);
    }
  });

  it('a piece larger than the read slice is read whole', async () => {
    const small = patterned(100_003);
    installReader(small);
    const chunkBytes = 3 * SYNC_READ_BYTES;
    const { lengths, joined } = await readAll(fakeBlob(small), 7, chunkBytes);
    expect(Buffer.compare(joined, small.subarray(7))).toBe(0);
    expect(lengths).toEqual([100_003 - 7]);
  });

  it('tries a NotReadableError read again, and the bytes are the same as without it', async () => {
    installReader(bytes);
    failures = (slice, attempt) =>
      slice.start === SYNC_READ_BYTES && attempt < 2 ? notReadable() : null;
    const hash = await blobSha256(fakeBlob(bytes));
    expect(hash).toBe(await sha256Hex(bytes));
    const retried = reads.filter((r) => r.start === SYNC_READ_BYTES);
    expect(retried).toHaveLength(3);
  });

  it('a read that keeps failing is CorpusUnreadableError, naming the file', async () => {
    installReader(bytes);
    failures = (slice) => (slice.start > 0 ? notReadable() : null);
    const read = readAll(fakeBlob(bytes, 'notes.txt'), 0, 1 << 20);
    await expect(read).rejects.toMatchObject({
      name: 'CorpusUnreadableError',
      message: expect.stringContaining('"notes.txt"'),
    });
    expect(reads.filter((r) => r.start > 0)).toHaveLength(1 + READ_RETRIES);
  });

  it('other read errors are not retried', async () => {
    installReader(bytes);
    failures = () => new DOMException('gone', 'NotFoundError');
    await expect(readAll(fakeBlob(bytes), 0, 1 << 20)).rejects.toMatchObject({
      name: 'NotFoundError',
    });
    expect(reads).toHaveLength(1);
  });

  it('Cancel during a retry stops at once with the signal', async () => {
    installReader(bytes);
    const controller = new AbortController();
    const reason = new Error('cancelled');
    failures = () => {
      queueMicrotask(() => controller.abort(reason));
      return notReadable();
    };
    await expect(readAll(fakeBlob(bytes), 0, 1 << 20, controller.signal)).rejects.toBe(reason);
    expect(reads).toHaveLength(1);
  });
});
