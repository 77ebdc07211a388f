import { parseSeparator } from '../../src/shared/text-mode';
import type { SampleBounds } from '../training/bpe-prose';
import type { BpeModel } from '../training/bpe/bpe-model';
import { trainBpe } from '../training/bpe/bpe-trainer';
import { sampleRanges, type ByteRange } from '../training/bpe/corpus-sample';
import { WordCounts } from '../training/bpe/word-counts';
import { blobChunks } from './blob-chunks';
import { DocumentSplitter } from './document-splitter';

/**
 * A run's BPE learned on a corpus read as a stream: the same merges as learnProseBpe
 * (bpe-prose.ts) gives for the whole text in memory. One pass: the splitter finds every
 * separator from the file's start (a literal's matches depend on the ones before), and each
 * piece where a sampled chunk meets a document is gathered (at most one chunk, 1 MiB) and
 * counted as a text of its own, in file order.
 */
export async function learnCorpusBpe(
  source: Blob,
  separator: string,
  vocabSize: number,
  options: {
    readonly sample?: SampleBounds;
    readonly signal?: AbortSignal;
    /** Bytes read at a time (tests cut the text small); READ_CHUNK_BYTES by default. */
    readonly readBytes?: number;
  } = {},
): Promise<BpeModel> {
  const { sample = {}, signal, readBytes } = options;
  const ranges = sampleRanges(source.size, sample.maxBytes, undefined, sample.chunkBytes);
  const counts = new WordCounts();
  const piece = new PieceGatherer(ranges, (bytes) => counts.add(bytes));
  const splitter = new DocumentSplitter(parseSeparator(separator));
  const sink = {
    content: (bytes: Uint8Array) => piece.content(bytes),
    separator: (bytes: number) => piece.separator(bytes),
  };
  for await (const chunk of blobChunks(source, 0, signal, readBytes)) splitter.push(chunk, sink);
  splitter.end(sink);
  piece.flush();
  return trainBpe(counts, vocabSize);
}

/** Follows the text's byte position through content and separators, gathering sampled pieces. */
class PieceGatherer {
  private at = 0;
  private r = 0;
  private parts: Uint8Array[] = [];

  constructor(
    private readonly ranges: readonly ByteRange[],
    private readonly count: (bytes: Uint8Array) => void,
  ) {}

  content(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.length && this.r < this.ranges.length) {
      const range = this.ranges[this.r]!;
      const pos = this.at + from;
      if (pos >= range.end) {
        this.flush();
        this.r += 1;
        continue;
      }
      const start = Math.max(pos, range.start);
      const end = Math.min(range.end, this.at + bytes.length);
      if (start >= end) break;
      this.parts.push(bytes.slice(start - this.at, end - this.at));
      from = end - this.at;
    }
    this.at += bytes.length;
  }

  /** A separator ends the document: its piece is counted. */
  separator(bytes: number): void {
    this.flush();
    this.at += bytes;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const length = this.parts.reduce((n, p) => n + p.length, 0);
    const joined = new Uint8Array(length);
    let at = 0;
    for (const p of this.parts) {
      joined.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.count(joined);
  }
}
