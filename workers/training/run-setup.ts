import type { RunConfig } from '../../src/shared/config';
import { DatasetError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetInfo, RunRecord } from '../../src/shared/snapshot';
import { buildDataset, type CharDataset } from './dataset';
import bundledNames from './names.txt?raw';

export const BUNDLED_NAME = 'names (bundled)';

export interface LoadedDataset {
  readonly info: DatasetInfo;
  readonly text: string;
  readonly data: CharDataset;
}

export async function loadDataset(name: string, text: string): Promise<LoadedDataset> {
  const data = buildDataset(text);
  const id = await sha256Hex(new TextEncoder().encode(text));
  return {
    info: {
      id,
      name,
      vocab: data.vocab.join(''),
      trainExamples: data.train.targets.length,
      valExamples: data.val.targets.length,
    },
    text,
    data,
  };
}

export function bundledDataset(): Promise<LoadedDataset> {
  return loadDataset(BUNDLED_NAME, bundledNames);
}

/** A stored run's text must hash to the id it was saved with, or the trajectory would differ. */
export async function reloadDataset(info: DatasetInfo, text: string): Promise<LoadedDataset> {
  const loaded = await loadDataset(info.name, text);
  if (loaded.info.id !== info.id || loaded.info.vocab !== info.vocab) {
    throw new DatasetError(
      `The stored text of "${info.name}" no longer matches the run (hash ${info.id.slice(0, 12)}). Start a new run.`,
    );
  }
  return loaded;
}

export function checkBatchFits(config: RunConfig, dataset: LoadedDataset): void {
  if (config.batch > dataset.info.trainExamples) {
    throw new DatasetError(
      `Batch size ${config.batch} exceeds the ${dataset.info.trainExamples} training examples of "${dataset.info.name}". Lower the batch size.`,
    );
  }
}

/** A run's record before its first snapshot, which is stored with it (Snapshotter.first). */
export function newRunRecord(config: RunConfig, dataset: LoadedDataset): RunRecord {
  return {
    id: crypto.randomUUID(),
    name: runName(config, dataset.info.name, new Date()),
    config,
    dataset: dataset.info,
    createdAt: Date.now(),
    latestSnapshotId: null,
  };
}

export function runName(config: RunConfig, datasetName: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace('T', ' ');
  return `${config.model} on ${datasetName} (seed ${config.seed}, ${stamp})`;
}
