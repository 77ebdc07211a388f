import type { CorpusSummary, CorpusTokenizerInfo } from '../../src/shared/corpus-summary';
import { parseSeparator } from '../../src/shared/text-mode';
import type { CorpusFiles } from './corpus-files';
import {
  CORPUS_FORMAT,
  MANIFEST_FILE,
  PROGRESS_FILE,
  bytesPerToken,
  readJson,
  shardIndex,
  type CorpusManifest,
  type CorpusProgress,
} from './corpus-manifest';
import { readSource } from './corpus-source';

/** A stored corpus as its own files describe it (the runs that read it are the store's). */
export type CorpusListing = Omit<CorpusSummary, 'runs'>;

/**
 * Reads one corpus's folder: a complete one from its manifest, a partial one from its source
 * record and the shards its progress names. Never throws on what a kill or another tab left
 * half-way (a damaged manifest lists as partial; files gone meanwhile count 0 bytes), so one
 * bad folder cannot hide the others.
 */
export async function describeCorpus(files: CorpusFiles, address: string): Promise<CorpusListing> {
  const sizes = new Map<string, number>();
  for (const name of await files.list()) sizes.set(name, (await files.read(name))?.size ?? 0);
  const bytesOnDisk = [...sizes.values()].reduce((a, b) => a + b, 0);
  const manifest = await readJson<CorpusManifest>(files, MANIFEST_FILE).catch(() => null);
  if (manifest?.format === CORPUS_FORMAT && manifest.address === address) {
    return {
      address,
      name: manifest.name,
      textBytes: manifest.bytes,
      bytesOnDisk,
      tokens: manifest.tokens,
      tokenizer: manifestTokenizer(manifest),
      complete: true,
    };
  }
  const source = await readSource(files, address);
  const progress = await readJson<CorpusProgress>(files, PROGRESS_FILE).catch(() => null);
  const committed = progress?.address === address ? progress.shards : 0;
  let shardBytes = 0;
  for (const [name, size] of sizes) {
    const index = shardIndex(name);
    if (index !== null && index < committed) shardBytes += size;
  }
  return {
    address,
    name: source?.name ?? null,
    textBytes: source?.bytes ?? null,
    bytesOnDisk,
    // Every tokenizer the config allows (bytes, BPE up to 32,768 and a separator) writes uint16.
    tokens: shardBytes / bytesPerToken('uint16'),
    tokenizer: source?.tokenizer ?? null,
    complete: false,
  };
}

/** The manifest counts the separator's id in its vocabulary; the BPE's own size does not. */
function manifestTokenizer(manifest: CorpusManifest): CorpusTokenizerInfo {
  if (manifest.identity.tokenizer === 'byte') return { kind: 'byte' };
  const separator = parseSeparator(manifest.identity.textMode.replace(/^prose;separator=/, ''));
  return { kind: 'bpe', vocabSize: manifest.vocabSize - (separator.kind === 'none' ? 0 : 1) };
}
