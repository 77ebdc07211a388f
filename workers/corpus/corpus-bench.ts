import type { RunConfig } from '../../src/shared/config';
import { batchSampler, hostBatch } from '../training/batches';
import type { BenchClock } from '../training/bpe/bpe-bench';
import { buildTextDataset } from '../training/text-dataset';
import type { CorpusSpec } from './corpus-address';
import { shardedProse } from './corpus-dataset';
import type { CorpusRoot } from './corpus-files';
import type { CorpusManifest } from './corpus-manifest';
import { CorpusStore } from './corpus-store';
import { MemoryCorpusRoot } from './memory-corpus-files';

const MB = 1e6;

export interface CorpusTokenizeTime {
  readonly bytes: number;
  readonly tokens: number;
  readonly shards: number;
  /** Hashing the text (its content address), then tokenizing it into shards. */
  readonly ms: number;
  readonly mbPerS: number;
  /** Of `ms`: the first pass, hashing the text for its content address. */
  readonly hashMs: number;
  /** The most `heapBytes` read at any progress event (null without a probe). */
  readonly peakHeapBytes: number | null;
  readonly manifest: CorpusManifest;
}

/**
 * A corpus opened as the worker opens one (checks, streamed SHA-256, splitter, encoder, shards
 * with their hashes), on the given files: OPFS in a browser, in memory in Node (the disk's own
 * cost left out). `text` may be a file-backed Blob (Node's fs.openAsBlob), as a user's File is.
 * `heapBytes`, when given, is read at every progress event (each chunk) for the peak.
 */
export async function timeCorpusTokenization(
  text: Uint8Array<ArrayBuffer> | Blob,
  spec: CorpusSpec,
  clock: BenchClock,
  root: CorpusRoot = new MemoryCorpusRoot(),
  heapBytes?: () => number,
): Promise<CorpusTokenizeTime> {
  const source = text instanceof Blob ? text : new Blob([text]);
  const start = clock();
  let hashEnd: number | null = null;
  let peakHeapBytes: number | null = null;
  const manifest = await new CorpusStore(root).open('bench.txt', source, spec, {
    onProgress: (event) => {
      if (event.phase === 'tokenizing' && hashEnd === null) hashEnd = clock();
      if (heapBytes !== undefined) peakHeapBytes = Math.max(peakHeapBytes ?? 0, heapBytes());
    },
  });
  const end = clock();
  const ms = end - start;
  return {
    bytes: source.size,
    tokens: manifest.tokens,
    shards: manifest.shards,
    ms,
    mbPerS: source.size / MB / (ms / 1000),
    hashMs: (hashEnd ?? end) - start,
    peakHeapBytes,
    manifest,
  };
}

/** Milliseconds to gather `batches` training batches from memory and from the corpus's shards. */
export async function timeShardWindows(
  root: CorpusRoot,
  manifest: CorpusManifest,
  text: Uint8Array,
  spec: CorpusSpec,
  config: RunConfig,
  batches: number,
  clock: BenchClock,
): Promise<{ memoryMs: number; shardMs: number }> {
  const sharded = await shardedProse(root.folder(manifest.address), manifest, spec);
  const memory = buildTextDataset('bench.txt', text, config, spec.bpe);
  const time = (data: typeof memory | typeof sharded) => {
    const sampler = batchSampler(config, data);
    const start = clock();
    for (let b = 0; b < batches; b++) hostBatch(data, 'train', sampler.next(), config);
    return clock() - start;
  };
  try {
    return { memoryMs: time(memory), shardMs: time(sharded) };
  } finally {
    sharded.close();
  }
}
