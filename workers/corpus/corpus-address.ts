import { sha256Hex } from '../../src/shared/hash';
import { Sha256Stream } from '../../src/shared/sha256-stream';
import type { BpeModel } from '../training/bpe/bpe-model';
import { tokenizerHash } from '../training/bpe/tokenizer-hash';
import { blobChunks } from './blob-chunks';
import { CORPUS_FORMAT, type CorpusIdentity } from './corpus-manifest';

/** How a corpus is tokenized: byte tokens or a BPE, and the separator as the config spells it. */
export interface CorpusSpec {
  readonly tokens: 'byte' | 'bpe';
  readonly separator: string;
  /** tokens=bpe: the run's learned BPE. */
  readonly bpe: BpeModel | null;
}

/** SHA-256 of a Blob's bytes, streamed. */
export async function blobSha256(
  blob: Blob,
  signal?: AbortSignal,
  onBytes?: (done: number) => void,
): Promise<string> {
  const hash = new Sha256Stream();
  let done = 0;
  for await (const chunk of blobChunks(blob, 0, signal)) {
    hash.update(chunk);
    done += chunk.length;
    onBytes?.(done);
  }
  return hash.hex();
}

export async function corpusIdentity(
  textSha256: string,
  spec: CorpusSpec,
): Promise<CorpusIdentity> {
  if ((spec.tokens === 'bpe') !== (spec.bpe !== null)) {
    throw new Error('a corpus spec has a BPE exactly when tokens=bpe');
  }
  return {
    format: CORPUS_FORMAT,
    textSha256,
    tokenizer: spec.bpe === null ? 'byte' : await tokenizerHash(spec.bpe),
    textMode: `prose;separator=${spec.separator}`,
  };
}

/** The corpus's content address: SHA-256 of its identity, keys in the interface's order. */
export async function corpusAddress(identity: CorpusIdentity): Promise<string> {
  const { format, textSha256, tokenizer, textMode } = identity;
  const canonical = JSON.stringify({ format, textSha256, tokenizer, textMode });
  return await sha256Hex(new TextEncoder().encode(canonical));
}
