// What bench/corpus-probe.mjs runs in Chromium: each cost of reading and hashing a corpus
// apart, in ms per MB of text (wall time), so the tokenizer's passes can be weighed.
import { Sha256Stream } from '../../src/shared/sha256-stream';
import { blobChunks, blobSha256 } from '../../workers/bench-surface';

type Costs = Record<string, number>;

/** Bytes of a shard per MB of text with byte tokens (uint16), as tokenize-corpus.ts hashes them. */
const SHARD_BYTES = 16 << 20;

export async function probeCorpusReads(mb: number): Promise<Costs> {
  const text = new Uint8Array(mb * 1e6);
  for (let i = 0; i < text.length; i++) text[i] = i % 97 === 0 ? 10 : 97 + (i % 23);
  const blob = new Blob([text]);
  const costs: Costs = {};
  const time = async (name: string, run: () => Promise<unknown>) => {
    const start = performance.now();
    await run();
    costs[name] = +((performance.now() - start) / mb).toFixed(2);
  };
  await time('stream, default reader', async () => {
    const reader = blob.stream().getReader();
    while (!(await reader.read()).done);
  });
  await time('stream, BYOB reader, 1 MiB buffer', async () => {
    const reader = blob.stream().getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(1 << 20);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (done || value === undefined) break;
      buffer = value.buffer;
    }
  });
  await time('slices of 4 MiB', async () => {
    for (let at = 0; at < blob.size; at += 4 << 20)
      await blob.slice(at, at + (4 << 20)).arrayBuffer();
  });
  await time('blobChunks (the app)', async () => {
    for await (const chunk of blobChunks(blob)) if (chunk.length === 0) throw new Error('empty');
  });
  await time('Sha256Stream, in memory', async () => new Sha256Stream().update(text).hex());
  await time('blobSha256 (the app)', () => blobSha256(blob));
  const shard = new Uint8Array(SHARD_BYTES);
  await time('WebCrypto SHA-256 of the shards', async () => {
    for (let i = 0; i < mb / 8; i++) await crypto.subtle.digest('SHA-256', shard);
  });
  await time('OPFS: shards written (createWritable, close, move)', async () => {
    const root = await navigator.storage.getDirectory();
    for (let i = 0; i < mb / 8; i++) {
      const temp = await root.getFileHandle('probe-shard.partial', { create: true });
      const writable = await temp.createWritable();
      await writable.write(shard);
      await writable.close();
      await (temp as unknown as { move(name: string): Promise<void> }).move('probe-shard');
    }
    await root.removeEntry('probe-shard');
  });
  for (const variant of SYNC_VARIANTS) {
    await time(`OPFS: shards written (sync access handle in a worker, ${variant})`, () =>
      syncHandleWrites(mb / 8, variant),
    );
  }
  return costs;
}

/** How the worker writes each shard through its sync access handle. */
const SYNC_VARIANTS = ['flush, move', 'no flush, move', '1 MiB writes, flush, move'] as const;

/**
 * The same shard writes through a FileSystemSyncAccessHandle, which only a worker may open: a
 * worker made from inline source, so the probe stays one script. Each shard is a new file, as
 * the tokenizer's are.
 */
async function syncHandleWrites(
  shards: number,
  variant: (typeof SYNC_VARIANTS)[number],
): Promise<void> {
  const source = `onmessage = async ({ data: [shards, variant] }) => {
    const root = await navigator.storage.getDirectory();
    const shard = new Uint8Array(${SHARD_BYTES});
    for (let i = 0; i < shards; i++) {
      const temp = await root.getFileHandle('probe-shard-' + i + '.partial', { create: true });
      const handle = await temp.createSyncAccessHandle();
      if (variant.startsWith('1 MiB')) {
        for (let at = 0; at < shard.length; at += 1 << 20) {
          handle.write(shard.subarray(at, at + (1 << 20)), { at });
        }
      } else {
        handle.write(shard, { at: 0 });
      }
      if (!variant.startsWith('no flush')) handle.flush();
      handle.close();
      await temp.move('probe-shard-' + i);
    }
    for (let i = 0; i < shards; i++) await root.removeEntry('probe-shard-' + i);
    postMessage('done');
  };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage([shards, variant]);
    });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}
