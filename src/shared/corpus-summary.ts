/** The tokenizer a stored corpus's ids mean: bytes, or a learned BPE of `vocabSize` tokens. */
export type CorpusTokenizerInfo =
  { readonly kind: 'byte' } | { readonly kind: 'bpe'; readonly vocabSize: number };

/** A stored run that reads a corpus (its DatasetInfo.corpus names the address). */
export interface CorpusUser {
  readonly runId: string;
  readonly runName: string;
}

/**
 * One corpus in the origin private file system, as the page lists it. A partial corpus is a
 * tokenization that stopped (cancelled, killed, a full disk) before its manifest was written:
 * its committed shards are kept to go on from.
 */
export interface CorpusSummary {
  readonly address: string;
  /** The text file's name when it was tokenized; null when nothing on disk says. */
  readonly name: string | null;
  /** The text file's size in bytes; null when nothing on disk says. */
  readonly textBytes: number | null;
  /** What its files take on disk: shards, manifest and progress. */
  readonly bytesOnDisk: number;
  /** Tokens in it (complete), or in its committed shards (partial). */
  readonly tokens: number;
  /** Null for a partial corpus whose tokenizer nothing on disk records. */
  readonly tokenizer: CorpusTokenizerInfo | null;
  readonly complete: boolean;
  /** The stored runs that read it. */
  readonly runs: readonly CorpusUser[];
}

/** A corpus's tokens as an llm.c token file, for the page to download (a Blob of the shards). */
export interface CorpusTokenFile {
  readonly fileName: string;
  readonly blob: Blob;
}
