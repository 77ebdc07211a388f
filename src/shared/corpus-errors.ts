/** Refusals of a corpus streamed to token shards (issue 20), each saying what to do. */
import { DISK_FULL, GOES_ON_ONCE_FREE } from './storage-errors';
import { formatBytes } from './text-errors';
import { TrainerError } from './trainer-error';

/** The largest corpus: a window start is drawn with one 32-bit draw, so tokens stay below 2^32. */
export const MAX_CORPUS_BYTES = 4 * 1024 * 1024 * 1024 - 1;

/** The corpus file is over MAX_CORPUS_BYTES. */
export class CorpusTooLargeError extends TrainerError {
  override name = 'CorpusTooLargeError';
  constructor(
    readonly corpusName: string,
    readonly bytes: number,
  ) {
    super(
      `"${corpusName}" is ${formatBytes(bytes)}; a corpus takes at most ` +
        `${formatBytes(MAX_CORPUS_BYTES)}. Split it and train on a part.`,
    );
  }
}

/** The corpus starts like a binary file (an archive, an image, a PDF…), not text. */
export class CorpusNotTextError extends TrainerError {
  override name = 'CorpusNotTextError';
  constructor(
    readonly corpusName: string,
    /** What its first bytes look like, e.g. "a gzip archive". */
    readonly found: string,
  ) {
    super(
      `"${corpusName}" is not text: its first bytes are those of ${found}. Unpack or convert ` +
        `it to a plain text file and choose that.`,
    );
  }
}

/**
 * The disk (or the browser's quota) ran out while a shard was written; nothing half-written
 * stays, and the tokenization pauses (disk-full-pause.ts) rather than stops.
 */
export class CorpusDiskFullError extends TrainerError {
  override name = 'CorpusDiskFullError';
  constructor(
    readonly shard: number,
    readonly committedShards: number,
  ) {
    super(
      `${DISK_FULL}: token shard ${shard} could not be written and was dropped; the ` +
        `${committedShards} shards before it are kept. Tokenizing is paused and ` +
        `${GOES_ON_ONCE_FREE} (it tries again every few seconds; Retry tries now): free some ` +
        `space (delete another corpus or run, or files outside the browser), or press Cancel.`,
    );
  }
}

/** A corpus's stored files do not say what its address promises (damaged, or another version). */
export class CorpusDamagedError extends TrainerError {
  override name = 'CorpusDamagedError';
  constructor(
    readonly address: string,
    readonly detail: string,
  ) {
    super(
      `The stored corpus ${address.slice(0, 12)}… is damaged (${detail}). Delete it and ` +
        `choose its file again; it is tokenized anew.`,
    );
  }
}

/** A run's token shards are gone (site data cleared, or evicted): its text must be given again. */
export class CorpusMissingError extends TrainerError {
  override name = 'CorpusMissingError';
  constructor(
    readonly runName: string,
    readonly fileName: string,
    readonly bytes: number,
  ) {
    super(
      `The token shards of run "${runName}" are gone from this browser's storage. Choose the ` +
        `same file again ("${fileName}", ${formatBytes(bytes)}): it is tokenized anew and the ` +
        `run goes on.`,
    );
  }
}

/** The file given for a run's missing corpus is not the text the run trained on. */
export class CorpusFileMismatchError extends TrainerError {
  override name = 'CorpusFileMismatchError';
  constructor(
    readonly fileName: string,
    readonly expectedName: string,
    readonly expectedSha256: string,
  ) {
    super(
      `"${fileName}" is not the text this run trained on: its SHA-256 differs from that of ` +
        `"${expectedName}" (${expectedSha256.slice(0, 12)}…). Nothing was trained; choose ` +
        `that file.`,
    );
  }
}

/** corpus=shards needs the origin private file system, which this browser does not give. */
export class CorpusUnavailableError extends TrainerError {
  override name = 'CorpusUnavailableError';
  constructor() {
    super(
      'This browser gives the page no origin private file system, where token shards live. ' +
        'Remove corpus=shards to train on the text in memory, or use a current browser.',
    );
  }
}

/**
 * A shard another reader holds for itself: an engine whose sync access handles have no
 * read-only mode lets one worker at a time open a file (Chromium's read-only handles share).
 */
export class CorpusHeldError extends TrainerError {
  override name = 'CorpusHeldError';
  constructor(readonly address: string) {
    super(
      "The corpus's token shards are open in another tab or worker of this site, and this " +
        'browser lets only one of them read a file at a time. Pause or close the run there (after ' +
        'a reload, wait a few seconds for the old page to let go), then press Start.',
    );
  }
}

/**
 * The browser would not read the text (NotReadableError, tried again a few times): the file was
 * changed, moved or deleted after it was chosen, or its disk failed.
 */
export class CorpusUnreadableError extends TrainerError {
  override name = 'CorpusUnreadableError';
  constructor(readonly corpusName: string) {
    super(
      `The browser could not read "${corpusName}": it was changed, moved or deleted after it ` +
        'was chosen, or its disk failed. Choose the file again; the token shards committed so ' +
        'far are kept.',
    );
  }
}

/** Cancel pressed while a corpus was tokenized: unlike other cancels, committed shards stay. */
export class TokenizeCancelledError extends TrainerError {
  override name = 'TokenizeCancelledError';
  constructor() {
    super(
      'Tokenizing was cancelled. The token shards committed so far are kept: choose the same ' +
        'file again and it goes on from them.',
    );
  }
}
