import {
  learnCorpusBpe,
  opfsCorpusRoot,
  presetConfig,
  timeCorpusTokenization,
  timeShardWindows,
} from '../../workers/bench-surface';
import type { CorpusCase, CorpusRow } from '../bench-api';
import { benchCorpus } from '../bpe/bench-corpus';
import { measureHeap, setHeapPhase } from './heap-phases';
import webTextUrl from '../../tests/fixtures/text/web.txt.gz?url';

const wall = () => performance.now();

/** The World English Bible's bytes, as the bench page serves them. */
export async function webText(): Promise<Uint8Array> {
  const response = await fetch(webTextUrl);
  if (!response.ok || response.body === null) {
    throw new Error(`The bench text ${webTextUrl} did not load (${response.status}).`);
  }
  const plain = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(plain).arrayBuffer());
}

/**
 * In the worker, as the app will: a corpus of the World English Bible's verses permuted to
 * `sizeMB`, tokenized into the origin private file system (sync access handles for the reads),
 * then gpt-nano batches gathered from its shards and from the same tokens in memory. The corpus
 * is deleted afterwards.
 */
export async function runCorpusCase(spec: CorpusCase): Promise<CorpusRow> {
  const base = {
    suite: 'corpus',
    size_mb: spec.sizeMB,
    vocab: spec.vocab,
    batches: spec.batches,
  } as const;
  const root = opfsCorpusRoot();
  if (root === null) {
    return { ...base, ...EMPTY, status: 'unavailable', reason: 'no origin private file system' };
  }
  for (const address of await root.addresses()) await root.removeFolder(address);
  const text = new Uint8Array(benchCorpus(await webText(), spec.sizeMB * 1e6));
  let bpeTrainMs: number | null = null;
  let corpusSpec;
  const nano = presetConfig('gpt-nano');
  let config = { ...nano, separator: 'blank' };
  if (spec.vocab === null) {
    corpusSpec = { tokens: 'byte', separator: 'blank', bpe: null } as const;
  } else {
    const start = wall();
    const bpe = await learnCorpusBpe(new Blob([text]), 'blank', spec.vocab);
    bpeTrainMs = wall() - start;
    corpusSpec = { tokens: 'bpe', separator: 'blank', bpe } as const;
    config = { ...config, tokens: 'bpe', vocabSize: spec.vocab };
  }
  // The runner samples the worker's heap: a baseline with the bench's own text in memory, then
  // the tokenizing (where a user's File is on disk, not in the heap: the figure is the growth).
  const { result: t, window } = await measureHeap(HEAP_BASELINE_MS, () =>
    timeCorpusTokenization(text, corpusSpec, wall, root),
  );
  await setHeapPhase('done');
  const w = await timeShardWindows(root, t.manifest, text, corpusSpec, config, spec.batches, wall);
  await root.removeFolder(t.manifest.address);
  return {
    ...base,
    status: 'ok',
    reason: null,
    tokens: t.tokens,
    shards: t.shards,
    bpe_train_ms: bpeTrainMs,
    tokenize_ms: t.ms,
    tokenize_mb_per_s: t.mbPerS,
    hash_ms: t.hashMs,
    batches_memory_ms: w.memoryMs,
    batches_shards_ms: w.shardMs,
    heap_window: window,
  };
}

const HEAP_BASELINE_MS = 1000;

const EMPTY = {
  tokens: null,
  shards: null,
  bpe_train_ms: null,
  tokenize_ms: null,
  tokenize_mb_per_s: null,
  hash_ms: null,
  batches_memory_ms: null,
  batches_shards_ms: null,
  heap_window: null,
};
