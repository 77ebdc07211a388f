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
  readonly manifest: CorpusManifest;
}

/**
 * A corpus opened as the worker opens one (checks, streamed SHA-256, splitter, encoder, shards
 * with their hashes), on the given files: OPFS in a browser, in memory in Node (the disk's own
 * cost left out).
 */
export async function timeCorpusTokenization(
  text: Uint8Array<ArrayBuffer>,
  spec: CorpusSpec,
  clock: BenchClock,
  root: CorpusRoot = new MemoryCorpusRoot(),
): Promise<CorpusTokenizeTime> {
  const start = clock();
  const manifest = await new CorpusStore(root).open('bench.txt', new Blob([text]), spec);
  const ms = clock() - start;
  return {
    bytes: text.length,
    tokens: manifest.tokens,
    shards: manifest.shards,
    ms,
    mbPerS: text.length / MB / (ms / 1000),
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
