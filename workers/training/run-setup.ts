import type { RunConfig } from '../../src/shared/config';
import { DatasetError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetInfo, RunRecord } from '../../src/shared/snapshot';
import type { LinesDataset } from './dataset';
import bundledNames from './names.txt?raw';
import {
  LINES_OF_CHARS,
  buildTextDataset,
  checkContextFits,
  trainingExamples,
  type TextDataset,
  type TextSettings,
} from './text-dataset';

export const BUNDLED_NAME = 'names (bundled)';

export interface LoadedDataset<D extends TextDataset = TextDataset> {
  readonly info: DatasetInfo;
  readonly text: string;
  readonly data: D;
}

/** A text tokenized as the run's settings say (characters, one example per line by default). */
export async function loadDataset(name: string, text: string): Promise<LoadedDataset<LinesDataset>>;
export async function loadDataset(
  name: string,
  text: string,
  settings: TextSettings,
): Promise<LoadedDataset>;
export async function loadDataset(
  name: string,
  text: string,
  settings: TextSettings = LINES_OF_CHARS,
): Promise<LoadedDataset> {
  const data = buildTextDataset(name, text, settings);
  const id = await sha256Hex(new TextEncoder().encode(text));
  const [trainExamples, valExamples] =
    data.kind === 'lines'
      ? [data.train.targets.length, data.val.targets.length]
      : [data.train.length, data.val.length];
  return {
    info: { id, name, vocab: data.vocab.join(''), trainExamples, valExamples },
    text,
    data,
  };
}

export function bundledDataset(settings: TextSettings = LINES_OF_CHARS): Promise<LoadedDataset> {
  return loadDataset(BUNDLED_NAME, bundledNames, settings);
}

/** A stored run's text must hash to the id it was saved with, or the trajectory would differ. */
export async function reloadDataset(
  info: DatasetInfo,
  text: string,
  settings: TextSettings = LINES_OF_CHARS,
): Promise<LoadedDataset> {
  const loaded = await loadDataset(info.name, text, settings);
  if (loaded.info.id !== info.id || loaded.info.vocab !== info.vocab) {
    throw new DatasetError(
      `The stored text of "${info.name}" no longer matches the run (hash ${info.id.slice(0, 12)}). Start a new run.`,
    );
  }
  return loaded;
}

/** The run's windows fit its text (prose), and its batch fits the examples there are. */
export function checkBatchFits(config: RunConfig, dataset: LoadedDataset): void {
  checkContextFits(dataset.info.name, config, dataset.data);
  const examples = trainingExamples(dataset.data, config.context);
  if (config.batch > examples) {
    throw new DatasetError(
      `Batch size ${config.batch} exceeds the ${examples} training examples of "${dataset.info.name}". Lower the batch size.`,
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
