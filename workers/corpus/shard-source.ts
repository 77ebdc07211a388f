import { CorpusDamagedError, CorpusHeldError } from '../../src/shared/errors';
import type { TokenSource } from '../training/token-source';
import type { CorpusFiles, SyncFileReader } from './corpus-files';
import { bytesPerToken, shardName, type CorpusManifest } from './corpus-manifest';

/** A finished corpus's shards, open; a range of their tokens is a TokenSource. */
export interface OpenShards {
  /** Tokens [from, to) of the corpus. */
  source(from: number, to: number): TokenSource;
  /** Lets the files go (a worker's sync access handles lock them). */
  close(): void;
}

/**
 * Opens every shard of a finished corpus once (a sync access handle in the worker: one per file,
 * which both the training and the validation part read), checking each one's size. A window
 * that crosses a shard's end reads the rest from the next one; nothing but one window's bytes
 * is held in memory.
 */
export async function openShards(
  files: CorpusFiles,
  manifest: CorpusManifest,
): Promise<OpenShards> {
  const { shardTokens, dtype } = manifest;
  const width = bytesPerToken(dtype);
  const readers: SyncFileReader[] = [];
  const close = () => {
    for (const reader of readers) reader.close();
  };
  try {
    for (let s = 0; s < manifest.shards; s++) {
      const reader = await files.openReader(shardName(s));
      readers.push(reader);
      const expected = Math.min(shardTokens, manifest.tokens - s * shardTokens) * width;
      if (reader.size !== expected) {
        throw new CorpusDamagedError(
          manifest.address,
          `${shardName(s)} holds ${reader.size} bytes, not ${expected}`,
        );
      }
    }
  } catch (err) {
    close();
    if ((err as { name?: unknown } | null)?.name === 'NoModificationAllowedError') {
      throw new CorpusHeldError(manifest.address);
    }
    throw err;
  }
  let scratch = new ArrayBuffer(0);
  const read = (start: number, out: Int32Array) => {
    const bytes = out.length * width;
    if (scratch.byteLength < bytes) scratch = new ArrayBuffer(bytes);
    const raw = new Uint8Array(scratch, 0, bytes);
    let at = start;
    let filled = 0;
    while (filled < bytes) {
      const shard = Math.floor(at / shardTokens);
      const want = Math.min(bytes - filled, ((shard + 1) * shardTokens - at) * width);
      const got = readers[shard]!.read(
        raw.subarray(filled, filled + want),
        (at - shard * shardTokens) * width,
      );
      if (got !== want) {
        throw new CorpusDamagedError(manifest.address, `${shardName(shard)} ended early`);
      }
      filled += got;
      at += got / width;
    }
    // Shards are little-endian, as typed arrays are in every browser engine.
    out.set(
      dtype === 'uint16'
        ? new Uint16Array(scratch, 0, out.length)
        : new Uint32Array(scratch, 0, out.length),
    );
  };
  return {
    source: (from, to) => ({
      length: to - from,
      read: (start, out) => read(from + start, out),
    }),
    close,
  };
}
