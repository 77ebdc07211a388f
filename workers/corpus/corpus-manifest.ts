import { CorpusDamagedError } from '../../src/shared/errors';
import type { CorpusFiles } from './corpus-files';

/** Names this layout; a change to the files' form gets a new name (and so new addresses). */
export const CORPUS_FORMAT = 'tabtrainer-corpus/1';
/**
 * Tokens per shard: 8 Mi tokens, 16 MB as uint16. One shard is what the tokenizer holds before
 * committing it, so the worker's heap stays far below its 256 MB bound at any corpus size.
 */
export const SHARD_TOKENS = 1 << 23;
export const MANIFEST_FILE = 'manifest.json';
export const PROGRESS_FILE = 'progress.json';

/** uint16 when every id fits (BPE of up to 32,768 tokens and bytes do), else uint32. */
export type ShardDtype = 'uint16' | 'uint32';

export function shardDtype(vocabSize: number): ShardDtype {
  return vocabSize <= 0x10000 ? 'uint16' : 'uint32';
}

export function bytesPerToken(dtype: ShardDtype): number {
  return dtype === 'uint16' ? 2 : 4;
}

export function shardName(index: number): string {
  return `shard-${String(index).padStart(5, '0')}.bin`;
}

/** The shard index a file name holds, or null for other files. */
export function shardIndex(name: string): number | null {
  const m = /^shard-(\d{5,})\.bin$/.exec(name);
  return m === null ? null : Number(m[1]);
}

/** What a corpus is made of: its address is the SHA-256 of this, as canonical JSON. */
export interface CorpusIdentity {
  readonly format: string;
  /** SHA-256 of the text's bytes (every file, in the order given). */
  readonly textSha256: string;
  /** `byte`, or the BPE's tokenizerHash. */
  readonly tokenizer: string;
  /** How the text becomes a stream: `prose`, and the separator as the config spells it. */
  readonly textMode: string;
}

/** Where a stopped tokenization goes on: the state before the chunk its last shard ended in. */
export interface RestartPoint {
  /** The text's byte to read from, with a fresh splitter and encoder. */
  readonly byte: number;
  /** Tokens the bytes before it make. */
  readonly tokens: number;
  /** Separators the bytes before it hold. */
  readonly separators: number;
}

/** Written after each full shard's commit, while tokenizing. */
export interface CorpusProgress {
  readonly format: string;
  readonly address: string;
  readonly shards: number;
  readonly shardSha256: readonly string[];
  readonly restart: RestartPoint;
}

/** Written last: a corpus is complete exactly when its manifest exists. */
export interface CorpusManifest {
  readonly format: string;
  readonly address: string;
  readonly identity: CorpusIdentity;
  /** The file's name when it was tokenized (for the page; not part of the address). */
  readonly name: string;
  readonly bytes: number;
  readonly dtype: ShardDtype;
  readonly vocabSize: number;
  readonly shardTokens: number;
  readonly shards: number;
  readonly tokens: number;
  readonly documents: number;
  /** SHA-256 of each shard file's bytes, in order. */
  readonly shardSha256: readonly string[];
}

export async function readJson<T>(files: CorpusFiles, name: string): Promise<T | null> {
  const blob = await files.read(name);
  if (blob === null) return null;
  try {
    return JSON.parse(await blob.text()) as T;
  } catch (err) {
    throw new CorpusDamagedError(name, `${name} is not JSON: ${String(err)}`);
  }
}

export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The token count's training part: the stream's tail of 10% is validation, as in memory. */
export function trainTokens(tokens: number, valFraction: number): number {
  return tokens - Math.ceil(tokens * valFraction);
}
