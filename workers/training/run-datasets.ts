import type { UserDataset } from '../../src/shared/api';
import type { CorpusFile } from '../../src/shared/corpus-progress';
import type { RunConfig } from '../../src/shared/config';
import { RunTextMissingError } from '../../src/shared/errors';
import type { RunRecord } from '../../src/shared/snapshot';
import type { SnapshotStore } from '../store';
import type { CorpusDatasets } from './corpus-port';
import {
  BUNDLED_NAME,
  bundledDataset,
  loadDataset,
  reloadDataset,
  type LoadedDataset,
} from './run-setup';

/** The text a new run trains on: the user's file (in memory, or on shards), else the bundled. */
export async function newRunDataset(
  config: RunConfig,
  userData: UserDataset | CorpusFile | null,
  corpora: CorpusDatasets,
  signal?: AbortSignal,
): Promise<LoadedDataset> {
  if (config.corpus === 'shards') {
    // The bundled names go through the same store: every run on shards is one kind of run.
    const source =
      userData === null
        ? {
            name: BUNDLED_NAME,
            file: new Blob([(await bundledDataset()).bytes as Uint8Array<ArrayBuffer>]),
          }
        : 'file' in userData
          ? userData
          : { name: userData.name, file: new Blob([userData.bytes]) };
    return corpora.create(config, source, signal);
  }
  if (userData === null) return bundledDataset(config);
  const bytes = 'file' in userData ? await userData.file.arrayBuffer() : userData.bytes;
  return loadDataset(userData.name, new Uint8Array(bytes), config);
}

/** A stored run's text: from the store, or its corpus reopened (or made again from `file`). */
export async function storedRunDataset(
  store: SnapshotStore,
  corpora: CorpusDatasets,
  run: RunRecord,
  file: CorpusFile | null,
  signal?: AbortSignal,
): Promise<LoadedDataset> {
  if (run.dataset.corpus !== undefined) {
    return corpora.reopen(run.config, run.dataset, run.name, file, signal);
  }
  const text = await store.getDataset(run.dataset.id);
  if (text === undefined) throw new RunTextMissingError(run.name);
  return reloadDataset(run.dataset, text.bytes, run.config);
}
