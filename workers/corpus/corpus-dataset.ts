import { PROSE_VAL_FRACTION, type ProseDataset } from '../training/prose-data';
import type { CorpusSpec } from './corpus-address';
import type { CorpusFiles } from './corpus-files';
import { trainTokens, type CorpusManifest } from './corpus-manifest';
import { openShards } from './shard-source';
import { corpusTokenizer } from './tokenize-corpus';

/** A prose dataset whose streams are read from a corpus's shards; close() lets the files go. */
export interface ShardedProse extends ProseDataset {
  close(): void;
}

/**
 * The dataset a run trains on from a finished corpus: the same tokenizer, split and counts as
 * buildProse gives for the text in memory (validation is the stream's last 10%), with the
 * training and validation parts read from the shards by windows.
 */
export async function shardedProse(
  files: CorpusFiles,
  manifest: CorpusManifest,
  spec: CorpusSpec,
): Promise<ShardedProse> {
  const cut = trainTokens(manifest.tokens, PROSE_VAL_FRACTION);
  const shards = await openShards(files, manifest);
  return {
    kind: 'prose',
    tokenizer: corpusTokenizer(spec),
    vocab: [],
    train: shards.source(0, cut),
    val: shards.source(cut, manifest.tokens),
    documents: manifest.documents,
    bpe: spec.bpe,
    close: shards.close,
  };
}
