import type { CorpusFile } from '../../src/shared/corpus-progress';
import type { RunConfig } from '../../src/shared/config';
import type { DatasetInfo } from '../../src/shared/snapshot';
import type { LoadedDataset } from './run-setup';

/**
 * How the run lifecycle gets a dataset on token shards (corpus=shards) without importing the
 * corpus layer, which sits above training (workers/corpus/corpus-datasets.ts implements it).
 */
export interface CorpusDatasets {
  /** A new run's text, tokenized (or found tokenized) into shards, as a dataset. */
  create(config: RunConfig, source: CorpusFile, signal?: AbortSignal): Promise<LoadedDataset>;
  /**
   * A stored run's corpus reopened by its address. When it is gone, `source` (the same file,
   * matched by its SHA-256) tokenizes it anew; without one, CorpusMissingError.
   */
  reopen(
    config: RunConfig,
    info: DatasetInfo,
    runName: string,
    source: CorpusFile | null,
    signal?: AbortSignal,
  ): Promise<LoadedDataset>;
}
