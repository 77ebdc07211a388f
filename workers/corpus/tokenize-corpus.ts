import { CorpusDiskFullError, SeparatorNotFoundError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import { parseSeparator, separatorDisplay } from '../../src/shared/text-mode';
import { bpeTokenizer } from '../training/bpe/bpe-tokenizer';
import { byteTokenizer, type Tokenizer } from '../training/tokenizer';
import { blobChunks } from './blob-chunks';
import type { CorpusSpec } from './corpus-address';
import { TEMP_SUFFIX, type CorpusFiles } from './corpus-files';
import {
  CORPUS_FORMAT,
  MANIFEST_FILE,
  PROGRESS_FILE,
  jsonBytes,
  readJson,
  shardDtype,
  shardIndex,
  shardName,
  type CorpusIdentity,
  type CorpusManifest,
  type CorpusProgress,
  type RestartPoint,
} from './corpus-manifest';
import { bpeDocumentEncoder, byteDocumentEncoder, type TokenIds } from './document-encoder';
import { isRefusedWrite } from './disk-full-pause';
import { DocumentSplitter } from './document-splitter';
import { ShardBuffer } from './shard-buffer';

/** What the page shows while a corpus is tokenized. */
export interface TokenizeProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly tokens: number;
  readonly shards: number;
}

export interface TokenizeJob {
  readonly name: string;
  readonly source: Blob;
  readonly spec: CorpusSpec;
  readonly identity: CorpusIdentity;
  readonly address: string;
  readonly files: CorpusFiles;
  readonly shardTokens: number;
  /** Bytes read at a time (tests cut the text small and odd); READ_CHUNK_BYTES by default. */
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TokenizeProgress) => void;
}

/** The tokenizer a corpus's ids mean (the separator token's id and the vocabulary size). */
export function corpusTokenizer(spec: CorpusSpec): Tokenizer {
  const separator = parseSeparator(spec.separator);
  const shown = separator.kind === 'none' ? null : separatorDisplay(separator);
  return spec.bpe === null ? byteTokenizer(shown) : bpeTokenizer(spec.bpe, shown);
}

/**
 * Streams the text through the splitter and encoder into shards of `shardTokens` ids, each
 * committed whole (temp file, then moved), then progress.json with where to go on; the
 * manifest last. A job stopped anywhere (killed, cancelled, a full disk) goes on from its last
 * committed shard, and the shards come out byte for byte as from an uninterrupted run.
 */
export async function tokenizeCorpus(job: TokenizeJob): Promise<CorpusManifest> {
  const { files, source, spec, shardTokens, signal } = job;
  const tokenizer = corpusTokenizer(spec);
  const separator = parseSeparator(spec.separator);
  const sepId = tokenizer.separatorId;
  const progress = await readJson<CorpusProgress>(files, PROGRESS_FILE);
  const usable = progress?.address === job.address && (await shardsIntact(files, progress));
  const start = usable ? progress : null;
  await dropUncommitted(files, start?.shards ?? 0);

  const shardSha256 = [...(start?.shardSha256 ?? [])];
  const restart: RestartPoint = start?.restart ?? { byte: 0, tokens: 0, separators: 0 };
  const buffer = new ShardBuffer(shardDtype(tokenizer.vocabSize), shardTokens);
  // Tokens from the restart point up to the last committed shard's end are made again: skip them.
  let skip = shardSha256.length * shardTokens - restart.tokens;
  let tokens = restart.tokens;
  let separators = restart.separators;
  let consumed = restart.byte;
  const splitter = new DocumentSplitter(separator);
  const encoder =
    spec.bpe === null ? byteDocumentEncoder(sepId) : bpeDocumentEncoder(spec.bpe, sepId);
  const emit = (ids: TokenIds) => {
    tokens += ids.length;
    const dropped = Math.min(skip, ids.length);
    skip -= dropped;
    buffer.append(dropped === 0 ? ids : ids.subarray(dropped));
  };
  const sink = {
    content: (bytes: Uint8Array) => emit(encoder.content(bytes)),
    separator: () => {
      separators += 1;
      emit(encoder.separator());
    },
  };
  const commitFull = async (state: RestartPoint) => {
    for (const shard of buffer.takeFull()) {
      const index = shardSha256.length;
      shardSha256.push(await commitShard(files, index, shard));
      const next: CorpusProgress = {
        format: CORPUS_FORMAT,
        address: job.address,
        shards: shardSha256.length,
        shardSha256,
        restart: state,
      };
      await writeOrDrop(files, PROGRESS_FILE, jsonBytes(next), index, shardSha256.length);
    }
  };
  const report = () =>
    job.onProgress?.({
      bytesDone: consumed,
      bytesTotal: source.size,
      tokens,
      shards: shardSha256.length,
    });

  report();
  for await (const chunk of blobChunks(source, consumed, signal, job.chunkBytes)) {
    const before: RestartPoint = {
      byte: consumed - splitter.carried - encoder.carried,
      tokens,
      separators,
    };
    splitter.push(chunk, sink);
    consumed += chunk.length;
    await commitFull(before);
    report();
  }
  splitter.end(sink);
  emit(encoder.end());
  if (separator.kind !== 'none' && separators === 0) {
    throw new SeparatorNotFoundError(
      job.name,
      separator.kind === 'literal' ? separator.text : 'blank',
    );
  }
  // The last full shards, then the partial one; progress.json only ever names full shards.
  await commitFull({ byte: consumed, tokens, separators });
  const last = buffer.takeRest();
  if (last !== null) shardSha256.push(await commitShard(files, shardSha256.length, last));
  const manifest: CorpusManifest = {
    format: CORPUS_FORMAT,
    address: job.address,
    identity: job.identity,
    name: job.name,
    bytes: source.size,
    dtype: buffer.dtype,
    vocabSize: tokenizer.vocabSize,
    shardTokens,
    shards: shardSha256.length,
    tokens,
    documents: separators + 1,
    shardSha256,
  };
  await writeOrDrop(
    files,
    MANIFEST_FILE,
    jsonBytes(manifest),
    shardSha256.length,
    shardSha256.length,
  );
  await files.remove(PROGRESS_FILE);
  report();
  return manifest;
}

/**
 * The committed shards progress.json names are all there, whole (a browser may evict or a user
 * delete files one by one); otherwise tokenizing starts over rather than leave a gap.
 */
async function shardsIntact(files: CorpusFiles, progress: CorpusProgress): Promise<boolean> {
  let size: number | null = null;
  for (let i = 0; i < progress.shards; i++) {
    const shard = await files.read(shardName(i));
    if (shard === null || (size !== null && shard.size !== size)) return false;
    size = shard.size;
  }
  return true;
}

/** Temporary files, and shards past the progress (a kill before progress.json): made again. */
async function dropUncommitted(files: CorpusFiles, committed: number): Promise<void> {
  for (const name of await files.list()) {
    const index = shardIndex(name);
    if (name.endsWith(TEMP_SUFFIX) || (index !== null && index >= committed)) {
      await files.remove(name);
    }
  }
}

/**
 * WebCrypto takes a copy of the bytes when called and hashes on a thread of its own, so the
 * digest runs while the shard is written rather than before it (the shard's memory may be
 * reused as soon as the write returns).
 */
async function commitShard(files: CorpusFiles, index: number, data: Uint8Array): Promise<string> {
  const sha = sha256Hex(data);
  try {
    await writeOrDrop(files, shardName(index), data, index, index);
  } catch (err) {
    await sha.catch(() => undefined);
    throw err;
  }
  return await sha;
}

/** A whole-file write; on failure its temporary file is dropped, and a full disk is named. */
async function writeOrDrop(
  files: CorpusFiles,
  name: string,
  data: Uint8Array,
  shard: number,
  committed: number,
): Promise<void> {
  try {
    await files.writeAtomic(name, data);
  } catch (err) {
    await files.remove(name + TEMP_SUFFIX);
    if (isRefusedWrite(err)) throw new CorpusDiskFullError(shard, committed);
    throw err;
  }
}
