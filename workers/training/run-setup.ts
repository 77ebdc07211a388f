import type { RunConfig } from '../../src/shared/config';
import { DatasetError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetInfo, RunRecord } from '../../src/shared/snapshot';
import type { LinesDataset } from './dataset';
import type { BpeModel } from './bpe/bpe-model';
import { runBpe } from './bpe/run-tokenizer';
import { exportTokenizerJson } from './bpe/tokenizer-json';
import bundledNames from './names.txt?raw';
import {
  LINES_OF_CHARS,
  buildTextDataset,
  checkContextFits,
  trainingExamples,
  type MemoryTextDataset,
  type TextDataset,
  type TextSettings,
} from './text-dataset';

export const BUNDLED_NAME = 'names (bundled)';

export interface LoadedDataset<D extends TextDataset = TextDataset> {
  readonly info: DatasetInfo;
  /**
   * The file's bytes, as stored and hashed. No copy of them is kept as a string: a prose text
   * of up to 256 MB is held once (with byte tokens and no separator the stream is this array).
   * Null for a run on token shards (corpus=shards): its text is never held or stored.
   */
  readonly bytes: Uint8Array | null;
  readonly data: D;
  /** Lets go of the files a dataset on token shards reads; absent for one in memory. */
  readonly close?: () => void;
}

/** A dataset held in memory: its bytes are there (a run on shards has none). */
export type MemoryLoaded<D extends TextDataset = TextDataset> = LoadedDataset<D> & {
  readonly bytes: Uint8Array;
};

const utf8 = new TextEncoder();

/** A text as the bytes it is stored as: a string (the bundled names, older runs) in UTF-8. */
export function textBytes(source: string | Uint8Array): Uint8Array {
  return typeof source === 'string' ? utf8.encode(source) : source;
}

/** A text tokenized as the run's settings say (characters, one example per line by default). */
export async function loadDataset(
  name: string,
  text: string | Uint8Array,
): Promise<MemoryLoaded<LinesDataset>>;
export async function loadDataset(
  name: string,
  text: string | Uint8Array,
  settings: TextSettings,
  bpe?: BpeModel | null,
): Promise<MemoryLoaded<MemoryTextDataset>>;
/** `bpe`: tokens=bpe, the run's BPE as stored (a resume); null learns one on the text. */
export async function loadDataset(
  name: string,
  text: string | Uint8Array,
  settings: TextSettings = LINES_OF_CHARS,
  bpe: BpeModel | null = null,
): Promise<MemoryLoaded<MemoryTextDataset>> {
  const bytes = textBytes(text);
  // Lines of characters read the decoded text, as the page's File.text() gave it before bytes
  // crossed: a byte order mark is dropped and invalid UTF-8 reads as U+FFFD there.
  const data = buildTextDataset(name, bytes, settings, bpe);
  const id = await sha256Hex(bytes);
  const [trainExamples, valExamples] =
    data.kind === 'lines'
      ? [data.train.targets.length, data.val.targets.length]
      : [data.train.length, data.val.length];
  const learned = data.kind === 'prose' ? data.bpe : null;
  return {
    info: {
      id,
      name,
      vocab: data.vocab.join(''),
      trainExamples,
      valExamples,
      ...(learned !== null ? { tokenizer: exportTokenizerJson(learned) } : {}),
    },
    bytes,
    data,
  };
}

let bundledBytes: Uint8Array | null = null;

export function bundledDataset(settings: TextSettings = LINES_OF_CHARS): Promise<MemoryLoaded> {
  bundledBytes ??= textBytes(bundledNames);
  return loadDataset(BUNDLED_NAME, bundledBytes, settings);
}

/** A stored run's text must hash to the id it was saved with, or the trajectory would differ. */
export async function reloadDataset(
  info: DatasetInfo,
  text: string | Uint8Array,
  settings: TextSettings = LINES_OF_CHARS,
): Promise<MemoryLoaded> {
  // A BPE run reads its stored tokenizer.json, not learning it again: its ids are the ones
  // the weights learned, whatever the sample rule of this build.
  const loaded = await loadDataset(info.name, text, settings, runBpe(settings, info));
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
