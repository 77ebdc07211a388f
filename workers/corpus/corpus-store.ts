import { CorpusDamagedError, CorpusFileMismatchError } from '../../src/shared/errors';
import { blobSha256, corpusAddress, corpusIdentity, type CorpusSpec } from './corpus-address';
import { checkCorpusFile } from './corpus-checks';
import type { CorpusRoot } from './corpus-files';
import { corpusLocks, type CorpusLocks } from './corpus-lock';
import { DiskFullRetry, type DiskFullPause } from './disk-full-pause';
import {
  CORPUS_FORMAT,
  MANIFEST_FILE,
  SHARD_TOKENS,
  readJson,
  type CorpusIdentity,
  type CorpusManifest,
} from './corpus-manifest';
import { tokenizeCorpus, type TokenizeProgress } from './tokenize-corpus';

/** A step of opening a corpus: hashing the text (its address), then tokenizing what is missing. */
export type CorpusProgressEvent =
  | { readonly phase: 'hashing'; readonly bytesDone: number; readonly bytesTotal: number }
  | ({ readonly phase: 'tokenizing' } & TokenizeProgress)
  | ({ readonly phase: 'paused' } & DiskFullPause);

export interface OpenCorpusOptions {
  /** Tests make shards small; the app uses SHARD_TOKENS. */
  readonly shardTokens?: number;
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: CorpusProgressEvent) => void;
  /** A run's file given again: its text must hash to this, else nothing is tokenized. */
  readonly expected?: { readonly name: string; readonly sha256: string };
}

/** A corpus stored on disk: its manifest, and the files it lives in. */
export interface StoredCorpus {
  readonly manifest: CorpusManifest;
  readonly bytesOnDisk: number;
}

/**
 * Corpora by content address (the text's SHA-256, the tokenizer's hash, the text mode): two runs
 * on the same file and settings share one; a corpus is tokenized once, and a stopped
 * tokenization goes on where it stopped.
 */
export class CorpusStore {
  constructor(
    private readonly root: CorpusRoot,
    private readonly locks: CorpusLocks = corpusLocks(),
    /** A full disk pauses a tokenization until space is back (or Cancel). */
    private readonly diskFull: DiskFullRetry = new DiskFullRetry(),
  ) {}

  /** The corpus of this file and spec, tokenizing (or finishing) it first where needed. */
  async open(
    name: string,
    source: Blob,
    spec: CorpusSpec,
    options: OpenCorpusOptions = {},
  ): Promise<CorpusManifest> {
    await checkCorpusFile(name, source);
    const { signal, onProgress } = options;
    const textSha256 = await blobSha256(source, signal, (bytesDone) =>
      onProgress?.({ phase: 'hashing', bytesDone, bytesTotal: source.size }),
    );
    const { expected } = options;
    if (expected !== undefined && expected.sha256 !== textSha256) {
      throw new CorpusFileMismatchError(name, expected.name, expected.sha256);
    }
    const identity = await corpusIdentity(textSha256, spec);
    const address = await corpusAddress(identity);
    return await this.locks.exclusive(address, () =>
      this.finish(name, source, spec, identity, address, options),
    );
  }

  /** Under the corpus's lock: its manifest, or a tokenization started or gone on with. */
  private async finish(
    name: string,
    source: Blob,
    spec: CorpusSpec,
    identity: CorpusIdentity,
    address: string,
    { shardTokens, chunkBytes, signal, onProgress }: OpenCorpusOptions,
  ): Promise<CorpusManifest> {
    const files = this.root.folder(address);
    const done = await readJson<CorpusManifest>(files, MANIFEST_FILE);
    if (done !== null) return checked(done, address);
    try {
      // Each try goes on from the shards the one before committed (a full disk drops only the
      // shard it could not write), so the pause costs at most a shard's worth of text again.
      return await this.diskFull.untilSpace(
        () =>
          tokenizeCorpus({
            name,
            source,
            spec,
            identity,
            address,
            files,
            shardTokens: shardTokens ?? SHARD_TOKENS,
            chunkBytes,
            signal,
            onProgress: (p) => onProgress?.({ phase: 'tokenizing', ...p }),
          }),
        { signal, onPause: (pause) => onProgress?.({ phase: 'paused', ...pause }) },
      );
    } catch (err) {
      // A text that can never make this corpus (no separator in it) leaves nothing behind;
      // anything else (cancel, kill) keeps the committed shards to go on from.
      if ((err as { name?: unknown }).name === 'SeparatorNotFoundError') {
        await this.root.removeFolder(address);
      }
      throw err;
    }
  }

  /** A finished corpus by address, or null when it is missing or not finished. */
  async manifest(address: string): Promise<CorpusManifest | null> {
    const done = await readJson<CorpusManifest>(this.root.folder(address), MANIFEST_FILE);
    return done === null ? null : checked(done, address);
  }

  /** Every corpus stored, finished or not, with the bytes its files take. */
  async list(): Promise<
    { address: string; manifest: CorpusManifest | null; bytesOnDisk: number }[]
  > {
    const out = [];
    for (const address of await this.root.addresses()) {
      const files = this.root.folder(address);
      let bytesOnDisk = 0;
      for (const name of await files.list()) bytesOnDisk += (await files.read(name))?.size ?? 0;
      out.push({ address, manifest: await this.manifest(address), bytesOnDisk });
    }
    return out;
  }

  /** Waits for a tokenization of it to stop (it keeps the lock until then). */
  async delete(address: string): Promise<void> {
    await this.locks.exclusive(address, () => this.root.removeFolder(address));
  }
}

function checked(manifest: CorpusManifest, address: string): CorpusManifest {
  if (manifest.format !== CORPUS_FORMAT || manifest.address !== address) {
    throw new CorpusDamagedError(
      address,
      `its manifest names ${manifest.format} ${manifest.address}`,
    );
  }
  return manifest;
}
