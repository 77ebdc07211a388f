import type { TokenArray } from './prose-data';

/**
 * Tokens read by position from somewhere other than one array in memory: a corpus's shards on
 * disk (workers/corpus/shard-source.ts). Training owns this interface so that it never imports
 * the corpus layer above it; reads are synchronous, as a worker's sync access handles give them,
 * so a batch is gathered exactly as from memory.
 */
export interface TokenSource {
  readonly length: number;
  /** Fills `out` with tokens [start, start + out.length); the range lies inside the source. */
  read(start: number, out: Int32Array): void;
}

/** A prose stream: in memory, or a source read by windows. */
export type TokenStream = TokenArray | TokenSource;

export function isTokenArray(stream: TokenStream): stream is TokenArray {
  return ArrayBuffer.isView(stream);
}

/**
 * gatherWindows (prose-data.ts) over a source: each row reads its context + 1 tokens once and
 * gives the same x and y as the same tokens in memory.
 */
export function gatherSourceWindows(
  source: TokenSource,
  offsets: ArrayLike<number>,
  context: number,
  allPositions: boolean,
): { x: Int32Array; y: Int32Array } {
  const rows = offsets.length;
  const x = new Int32Array(rows * context);
  const y = new Int32Array(allPositions ? rows * context : rows);
  const window = new Int32Array(context + 1);
  for (let r = 0; r < rows; r++) {
    source.read(offsets[r]!, window);
    x.set(window.subarray(0, context), r * context);
    if (allPositions) y.set(window.subarray(1), r * context);
    else y[r] = window[context]!;
  }
  return { x, y };
}
