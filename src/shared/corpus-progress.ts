// What the page and the worker exchange about a run's corpus of token shards (TrainerApi).

/**
 * A user's training file for a run on token shards (corpus=shards): the File itself, which the
 * worker reads as a stream and never whole (structured clone passes a reference, not bytes).
 */
export interface CorpusFile {
  readonly name: string;
  readonly file: Blob;
}

/** What opening a corpus is doing, for the dataset box (bytes of the text file). */
export interface CorpusProgress {
  readonly phase: 'hashing' | 'learning' | 'tokenizing' | 'ready';
  readonly name: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Tokens written so far; when ready, the training split's tokens. */
  readonly tokens: number;
  /** Tokenizing: the byte it began at this time (above 0 when a stopped one goes on). */
  readonly startedAt: number;
  /** Tokenizing paused by a full disk (the rest as at its last progress): why, and what next. */
  readonly paused?: CorpusPause;
}

/** A tokenization waiting for disk space; it tries again by itself, or on `retryCorpusWrite`. */
export interface CorpusPause {
  /** The refusal (CorpusDiskFullError) as errors cross the worker: its name and message. */
  readonly error: { readonly name: string; readonly message: string };
  /** Its next try comes by itself after this long. */
  readonly retryInMs: number;
}
