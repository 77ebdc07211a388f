import type { CorpusFile, CorpusProgress } from '../../src/shared/corpus-progress';
import type { RunConfig } from '../../src/shared/config';
import {
  CorpusDamagedError,
  CorpusMissingError,
  CorpusUnavailableError,
} from '../../src/shared/errors';
import type { DatasetInfo } from '../../src/shared/snapshot';
import { runBpe } from '../training/bpe/run-tokenizer';
import { exportTokenizerJson } from '../training/bpe/tokenizer-json';
import type { CorpusDatasets } from '../training/corpus-port';
import type { LoadedDataset } from '../training/run-setup';
import type { CorpusSpec } from './corpus-address';
import { learnCorpusBpe } from './corpus-bpe';
import { checkCorpusFile } from './corpus-checks';
import { shardedProse } from './corpus-dataset';
import type { CorpusRoot } from './corpus-files';
import type { CorpusManifest } from './corpus-manifest';
import { CorpusStore, type CorpusProgressEvent, type OpenCorpusOptions } from './corpus-store';
import { DiskFullRetry } from './disk-full-pause';

/** Tests make shards and reads small; the app uses the store's sizes. */
export type CorpusSizes = Pick<OpenCorpusOptions, 'shardTokens' | 'chunkBytes'>;

/**
 * Runs' datasets on token shards (corpus=shards): a new run's file tokenized into the corpus
 * store, a stored run's corpus reopened by its address (or made again from the same file), each
 * as a LoadedDataset whose info names the corpus instead of holding the text.
 */
export class ShardCorpusDatasets implements CorpusDatasets {
  private readonly store: CorpusStore | null;

  constructor(
    private readonly root: CorpusRoot | null,
    private readonly onProgress: (progress: CorpusProgress) => void,
    private readonly sizes: CorpusSizes = {},
    private readonly diskFull: DiskFullRetry = new DiskFullRetry(),
  ) {
    this.store = root === null ? null : new CorpusStore(root, undefined, diskFull);
  }

  /** Retry pressed: a tokenization paused by a full disk tries again now. */
  retryNow(): void {
    this.diskFull.retryNow();
  }

  async create(config: RunConfig, source: CorpusFile, signal?: AbortSignal) {
    const store = this.requireStore();
    await checkCorpusFile(source.name, source.file);
    let bpe = null;
    if (config.tokens === 'bpe') {
      this.report(source, 'learning', 0, 0);
      bpe = await learnCorpusBpe(source.file, config.separator, config.vocabSize!, { signal });
    }
    const spec: CorpusSpec = {
      tokens: config.tokens === 'bpe' ? 'bpe' : 'byte',
      separator: config.separator,
      bpe,
    };
    const manifest = await store.open(source.name, source.file, spec, this.options(source, signal));
    return await this.loaded(manifest, spec, source.name);
  }

  async reopen(
    config: RunConfig,
    info: DatasetInfo,
    runName: string,
    source: CorpusFile | null,
    signal?: AbortSignal,
  ): Promise<LoadedDataset> {
    const store = this.requireStore();
    const ref = info.corpus;
    if (ref === undefined) throw new Error(`run "${runName}" has no corpus to reopen`);
    const bpe = runBpe(config, info);
    const spec: CorpusSpec = {
      tokens: bpe === null ? 'byte' : 'bpe',
      separator: config.separator,
      bpe,
    };
    let manifest = await store.manifest(ref.address);
    if (manifest === null) {
      if (source === null) throw new CorpusMissingError(runName, info.name, ref.bytes);
      const expected = { name: info.name, sha256: info.id };
      manifest = await store.open(source.name, source.file, spec, {
        ...this.options(source, signal),
        expected,
      });
    }
    if (manifest.address !== ref.address) {
      throw new CorpusDamagedError(ref.address, `the file made corpus ${manifest.address}`);
    }
    return await this.loaded(manifest, spec, info.name);
  }

  private async loaded(
    manifest: CorpusManifest,
    spec: CorpusSpec,
    name: string,
  ): Promise<LoadedDataset> {
    const data = await shardedProse(this.root!.folder(manifest.address), manifest, spec);
    const info: DatasetInfo = {
      id: manifest.identity.textSha256,
      name,
      vocab: '',
      trainExamples: data.train.length,
      valExamples: data.val.length,
      ...(spec.bpe !== null ? { tokenizer: exportTokenizerJson(spec.bpe) } : {}),
      corpus: { address: manifest.address, bytes: manifest.bytes },
    };
    this.onProgress({
      phase: 'ready',
      name,
      bytesDone: manifest.bytes,
      bytesTotal: manifest.bytes,
      tokens: data.train.length,
      startedAt: 0,
    });
    return { info, bytes: null, data, close: data.close };
  }

  private options(source: CorpusFile, signal?: AbortSignal): OpenCorpusOptions {
    let startedAt: number | null = null;
    let last: CorpusProgress | null = null;
    const onProgress = (event: CorpusProgressEvent) => {
      if (event.phase === 'hashing') {
        this.report(source, 'hashing', event.bytesDone, 0);
        return;
      }
      if (event.phase === 'paused') {
        // tokenizeCorpus reports before its first write, so the pause has numbers to show.
        const { name, message } = event.error;
        const paused = { error: { name, message }, retryInMs: event.retryInMs };
        if (last !== null) this.onProgress({ ...last, paused });
        return;
      }
      startedAt ??= event.bytesDone;
      last = {
        phase: 'tokenizing',
        name: source.name,
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
        tokens: event.tokens,
        startedAt,
      };
      this.onProgress(last);
    };
    return { ...this.sizes, signal, onProgress, recordSource: true };
  }

  private report(source: CorpusFile, phase: 'hashing' | 'learning', done: number, tokens: number) {
    const total = source.file.size;
    this.onProgress({
      phase,
      name: source.name,
      bytesDone: done,
      bytesTotal: total,
      tokens,
      startedAt: 0,
    });
  }

  private requireStore(): CorpusStore {
    if (this.store === null) throw new CorpusUnavailableError();
    return this.store;
  }
}
