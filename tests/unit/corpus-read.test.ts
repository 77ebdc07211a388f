import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { blobChunks } from '../../workers/corpus/blob-chunks';
import { ShardBuffer } from '../../workers/corpus/shard-buffer';

function randomBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const prng = Prng.fromSeed(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = prng.nextInt(256);
  return bytes;
}

/** A Blob whose stream is not a byte stream (no BYOB reader), as some engines give. */
function defaultStreamBlob(bytes: Uint8Array<ArrayBuffer>, piece: number): Blob {
  const from = (start: number) => ({
    size: bytes.length - start,
    slice: (more = 0) => from(start + more),
    stream: () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = start; at < bytes.length; at += piece) {
            controller.enqueue(bytes.slice(at, Math.min(bytes.length, at + piece)));
          }
          controller.close();
        },
      }),
  });
  return from(0) as unknown as Blob;
}

/** What blobChunks hands out, copied as each piece comes (a piece is valid until the next). */
async function readAll(blob: Blob, from: number, chunkBytes: number) {
  const pieces: Uint8Array[] = [];
  for await (const chunk of blobChunks(blob, from, undefined, chunkBytes)) {
    pieces.push(chunk.slice());
  }
  const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) joined.set(p, (at += p.length) - p.length);
  return { lengths: pieces.map((p) => p.length), joined };
}

describe('blobChunks', () => {
  const bytes = randomBytes(100_003, 20);

  it('reads a byte stream in whole pieces of chunkBytes (the last shorter), from any byte', async () => {
    for (const [from, chunkBytes] of [
      [0, 4096],
      [17, 1000],
      [99_000, 7],
      [100_003, 64],
    ] as const) {
      const { lengths, joined } = await readAll(new Blob([bytes]), from, chunkBytes);
      expect(joined).toEqual(bytes.subarray(from));
      expect(lengths.slice(0, -1).every((n) => n === chunkBytes)).toBe(true);
      expect(lengths.at(-1) ?? 0).toBeLessThanOrEqual(chunkBytes);
    }
  });

  it('reads a stream without BYOB reads the same bytes, re-cut to chunkBytes', async () => {
    for (const [from, chunkBytes] of [
      [0, 4096],
      [17, 1000],
      [99_000, 7],
    ] as const) {
      const { lengths, joined } = await readAll(defaultStreamBlob(bytes, 3000), from, chunkBytes);
      expect(joined).toEqual(bytes.subarray(from));
      expect(Math.max(...lengths)).toBeLessThanOrEqual(chunkBytes);
    }
  });

  it('stops with the signal', async () => {
    const controller = new AbortController();
    const read = async () => {
      for await (const chunk of blobChunks(new Blob([bytes]), 0, controller.signal, 1000)) {
        if (chunk.length > 0) controller.abort();
      }
    };
    await expect(read()).rejects.toThrow();
  });
});

describe('ShardBuffer', () => {
  it('hands out each shard whole while its memory is reused for the next', () => {
    const ids = new Uint16Array(25).map((_, i) => 1000 + i);
    const buffer = new ShardBuffer('uint16', 10);
    const shards: number[][] = [];
    for (let at = 0; at < ids.length; at += 3) {
      buffer.append(ids.subarray(at, at + 3));
      // A shard is written out before the next append, as tokenize-corpus.ts does.
      for (const shard of buffer.takeFull())
        shards.push([...new Uint16Array(shard.slice().buffer)]);
    }
    const rest = buffer.takeRest();
    expect(shards).toEqual([[...ids.subarray(0, 10)], [...ids.subarray(10, 20)]]);
    expect([...new Uint16Array(rest!.slice().buffer)]).toEqual([...ids.subarray(20)]);
  });
});
