import { CorpusDamagedError, TokenFileUnsupportedError } from '../../src/shared/errors';
import type { CorpusFiles } from './corpus-files';
import { bytesPerToken, shardName, type CorpusManifest } from './corpus-manifest';

/**
 * llm.c's token file (the format llm.c's dataloader and Piston read): a header of
 * TOKEN_FILE_HEADER_INTS little-endian int32, then the tokens as little-endian uint16.
 * header[0] is the magic, header[1] the version (1: uint16 tokens), header[2] the count.
 * Slots from TOKEN_FILE_ADDRESS_SLOT on are ours: the corpus's content address, its 32 bytes in
 * the order its hex spells them (header[3..10]), so the PyTorch bridge can tell which corpus a
 * file holds. llm.c reads only slots 0 to 2; every other slot is 0.
 */
export const TOKEN_FILE_MAGIC = 20240520;
export const TOKEN_FILE_VERSION = 1;
export const TOKEN_FILE_HEADER_INTS = 256;
export const TOKEN_FILE_ADDRESS_SLOT = 3;
/** header[2] is an int32: llm.c reads it as a count, so a larger corpus cannot be written. */
export const MAX_TOKEN_FILE_TOKENS = 0x7fffffff;
const ADDRESS_BYTES = 32;

/** The header's bytes for a corpus of `tokens` tokens at `address` (64 hex digits). */
export function tokenFileHeader(tokens: number, address: string): Uint8Array<ArrayBuffer> {
  if (!/^[0-9a-f]{64}$/.test(address)) throw new Error(`not a corpus address: ${address}`);
  if (!Number.isInteger(tokens) || tokens < 0 || tokens > MAX_TOKEN_FILE_TOKENS) {
    throw new Error(`a token file cannot count ${tokens} tokens`);
  }
  const header = new Uint8Array(TOKEN_FILE_HEADER_INTS * 4);
  const view = new DataView(header.buffer);
  view.setInt32(0, TOKEN_FILE_MAGIC, true);
  view.setInt32(4, TOKEN_FILE_VERSION, true);
  view.setInt32(8, tokens, true);
  for (let i = 0; i < ADDRESS_BYTES; i++) {
    header[TOKEN_FILE_ADDRESS_SLOT * 4 + i] = parseInt(address.slice(2 * i, 2 * i + 2), 16);
  }
  return header;
}

/**
 * `<text name>.<tokenizer>.bin`: the text's name without its last extension, then `byte` or
 * `bpe<vocab>` (the BPE's own size, without a separator's id), e.g. mark.bpe600.bin.
 */
export function tokenFileName(manifest: CorpusManifest): string {
  const stem = manifest.name.replace(/\.[^./\\]*$/, '') || 'corpus';
  const { tokenizer, textMode } = manifest.identity;
  if (tokenizer === 'byte') return `${stem}.byte.bin`;
  const separatorId = textMode === 'prose;separator=none' ? 0 : 1;
  return `${stem}.bpe${manifest.vocabSize - separatorId}.bin`;
}

/**
 * A finished corpus's tokens as one token file: a Blob of the header and the shard files, in
 * order. Nothing is read or copied: the OPFS shards are disk-backed Files and a Blob of Files
 * refers to them, so the download streams from disk (a shard changed or deleted before it is
 * read fails the download, as a deleted corpus should). Each shard's size is checked against
 * the manifest first, so a damaged corpus is refused by name, not written short.
 */
export async function corpusTokenFile(files: CorpusFiles, manifest: CorpusManifest): Promise<Blob> {
  const label = manifest.name;
  if (manifest.dtype !== 'uint16') {
    throw new TokenFileUnsupportedError(
      label,
      `its ids are ${manifest.dtype}, the format's uint16`,
    );
  }
  if (manifest.tokens > MAX_TOKEN_FILE_TOKENS) {
    const most = MAX_TOKEN_FILE_TOKENS.toLocaleString('en-US');
    throw new TokenFileUnsupportedError(
      label,
      `it holds ${manifest.tokens.toLocaleString('en-US')} tokens, and the format counts at most ${most}`,
    );
  }
  if (manifest.shards !== Math.ceil(manifest.tokens / manifest.shardTokens)) {
    const detail = `its manifest counts ${manifest.shards} shards for ${manifest.tokens} tokens`;
    throw new CorpusDamagedError(manifest.address, detail);
  }
  const parts: Blob[] = [];
  const width = bytesPerToken(manifest.dtype);
  for (let s = 0; s < manifest.shards; s++) {
    const shard = await files.read(shardName(s));
    const expected = Math.min(manifest.shardTokens, manifest.tokens - s * manifest.shardTokens);
    if (shard === null || shard.size !== expected * width) {
      const found = shard === null ? 'is missing' : `holds ${shard.size} bytes`;
      throw new CorpusDamagedError(
        manifest.address,
        `${shardName(s)} ${found}, not ${expected * width}`,
      );
    }
    parts.push(shard);
  }
  return new Blob([tokenFileHeader(manifest.tokens, manifest.address), ...parts], {
    type: 'application/octet-stream',
  });
}
