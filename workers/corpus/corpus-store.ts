import { CorpusDamagedError, CorpusFileMismatchError } from '../../src/shared/errors';
import { blobSha256, corpusAddress, corpusIdentity, type CorpusSpec } from './corpus-address';
import { checkCorpusFile } from './corpus-checks';
import { describeCorpus, type CorpusListing } from './corpus-listing';
import type { CorpusFiles, CorpusRoot } from './corpus-files';
import { corpusLocks, type CorpusLocks } from './corpus-lock';
import { DiskFullRetry, type DiskFullPause } from './disk-full-pause';
import {
  CORPUS_FORMAT,
  MANIFEST_FILE,
  PROGRESS_FILE,
  SHARD_TOKENS,
  readJson,
  type CorpusIdentity,
  type CorpusManifest,
} from './corpus-manifest';
import { recordSource } from './corpus-source';
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
  /**
   * Write source.json before tokenizing, so the page can name a partial corpus. The app does;
   * the tokenizer's own tests leave it out, since they count its renames one by one.
   */
  readonly recordSource?: boolean;
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

  /**
   * Finished corpora as listed once: their files never change while the manifest is there
   * (the address is the content), so a listing asked for after every snapshot reads one file
   * per finished corpus instead of every shard's size. A corpus deleted (here or by another
   * tab) or cleared with the site's data loses its manifest and is read again.
   */
  private readonly finished = new Map<string, CorpusListing>();

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
    { shardTokens, chunkBytes, signal, onProgress, recordSource: record }: OpenCorpusOptions,
  ): Promise<CorpusManifest> {
    const files = this.root.folder(address);
    const done = await readJson<CorpusManifest>(files, MANIFEST_FILE);
    if (done !== null) return checked(done, address);
    if (record === true) await recordSource(files, address, name, source.size, spec);
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

  /** A corpus's folder, for reads of a finished one's shards (its manifest read first). */
  files(address: string): CorpusFiles {
    return this.root.folder(address);
  }

  /**
   * Every corpus stored, finished or partial, with the bytes its files take. An empty folder is
   * no corpus: a tokenization about to write its first file, or one a reader made again (the
   * OPFS root creates a folder it is asked for) after it was deleted.
   */
  async list(): Promise<CorpusListing[]> {
    const out = [];
    for (const address of await this.root.addresses()) {
      const files = this.root.folder(address);
      const known = this.finished.get(address);
      if (known !== undefined && (await files.read(MANIFEST_FILE)) !== null) {
        out.push(known);
        continue;
      }
      this.finished.delete(address);
      if ((await files.list()).length === 0) continue;
      const listing = await describeCorpus(files, address);
      // Kept once progress.json is gone (it outlives the manifest by one remove).
      if (listing.complete && (await files.read(PROGRESS_FILE)) === null) {
        this.finished.set(address, listing);
      }
      out.push(listing);
    }
    return out;
  }

  /**
   * Removes the corpus's folder unless a tokenization of it holds its lock (in this worker or,
   * through Web Locks, another tab's): false then, and nothing is touched. Never waits, since a
   * tokenization can take minutes. Deleting a corpus that is not there does nothing.
   */
  async delete(address: string): Promise<boolean> {
    this.finished.delete(address);
    return await this.locks.tryExclusive(address, () => this.root.removeFolder(address));
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
