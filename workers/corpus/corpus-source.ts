import type { CorpusTokenizerInfo } from '../../src/shared/corpus-summary';
import type { CorpusSpec } from './corpus-address';
import type { CorpusFiles } from './corpus-files';
import { CORPUS_FORMAT, jsonBytes, readJson } from './corpus-manifest';

/**
 * Written when a tokenization starts: what the corpus is made from, so the page can name a
 * partial corpus (a stopped tokenization, which has no manifest yet) and its tokenizer.
 */
export const SOURCE_FILE = 'source.json';

export interface CorpusSource {
  readonly format: string;
  readonly address: string;
  readonly name: string;
  readonly bytes: number;
  readonly tokenizer: CorpusTokenizerInfo;
}

export function tokenizerInfo(spec: CorpusSpec): CorpusTokenizerInfo {
  return spec.bpe === null ? { kind: 'byte' } : { kind: 'bpe', vocabSize: spec.bpe.vocabSize };
}

/**
 * Records the source once. Best effort: it only labels the list, and a write the disk refuses
 * here must not stop the tokenization, whose own writes report (and recover from) a full disk.
 * A torn temporary file is dropped with the tokenization's own leftovers.
 */
export async function recordSource(
  files: CorpusFiles,
  address: string,
  name: string,
  bytes: number,
  spec: CorpusSpec,
): Promise<void> {
  if ((await files.read(SOURCE_FILE)) !== null) return;
  const source: CorpusSource = {
    format: CORPUS_FORMAT,
    address,
    name,
    bytes,
    tokenizer: tokenizerInfo(spec),
  };
  await files.writeAtomic(SOURCE_FILE, jsonBytes(source)).catch(() => undefined);
}

/** The recorded source, or null when there is none (or it is not this corpus's). */
export async function readSource(
  files: CorpusFiles,
  address: string,
): Promise<CorpusSource | null> {
  const source = await readJson<CorpusSource>(files, SOURCE_FILE).catch(() => null);
  return source?.address === address ? source : null;
}
