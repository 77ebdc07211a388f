import { describe, expect, it } from 'vitest';
import type { CorpusSpec } from '../../workers/corpus/corpus-address';
import { inProcessLocks } from '../../workers/corpus/corpus-lock';
import { shardName, type CorpusManifest } from '../../workers/corpus/corpus-manifest';
import { CorpusStore, type OpenCorpusOptions } from '../../workers/corpus/corpus-store';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import {
  TOKEN_FILE_MAGIC,
  corpusTokenFile,
  tokenFileHeader,
  tokenFileName,
} from '../../workers/corpus/token-file';
import { CorpusLibrary } from '../../workers/corpus-library';
import { mark, markModel } from './bpe-fixtures';

const BYTES: CorpusSpec = { tokens: 'byte', separator: 'blank', bpe: null };
const BPE: CorpusSpec = { tokens: 'bpe', separator: 'none', bpe: markModel(600) };
// Small shards, so Mark's gospel makes many (the last one shorter).
const SMALL: OpenCorpusOptions = { shardTokens: 4096, chunkBytes: 3001, recordSource: true };
const ADDRESS = '00ff' + '0123456789abcdef'.repeat(3) + 'fedcba987654';

function setup() {
  const root = new MemoryCorpusRoot();
  const locks = inProcessLocks();
  const store = new CorpusStore(root, locks);
  const idle = { active: () => null, held: async () => new Set<string>() };
  const library = new CorpusLibrary(root, { listRuns: async () => [] }, idle, locks);
  return { root, store, library };
}

/** The shard files of a corpus, concatenated in order, as the memory root holds them. */
function shardBytes(root: MemoryCorpusRoot, manifest: CorpusManifest): Uint8Array {
  const files = root.folders.get(manifest.address)!;
  const shards = Array.from({ length: manifest.shards }, (_, s) => files.get(shardName(s))!);
  const out = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const shard of shards) {
    out.set(shard, at);
    at += shard.length;
  }
  return out;
}

describe("a corpus's token file (llm.c's format)", () => {
  it('has a header of 256 little-endian int32: magic, version 1, the count, the address', () => {
    const header = tokenFileHeader(0x01020304, ADDRESS);
    expect(header.length).toBe(1024);
    // Written out byte by byte, as the format says, not through the code's own DataView.
    expect([...header.subarray(0, 12)]).toEqual([
      0x88, 0xd8, 0x34, 0x01, 1, 0, 0, 0, 0x04, 0x03, 0x02, 0x01,
    ]);
    expect(0x0134d888).toBe(20240520);
    expect(Buffer.from(header.subarray(12, 44)).toString('hex')).toBe(ADDRESS);
    expect(header.subarray(44).every((b) => b === 0)).toBe(true);
    expect(() => tokenFileHeader(2 ** 31, ADDRESS)).toThrow('cannot count');
    expect(() => tokenFileHeader(1, 'ABC')).toThrow('not a corpus address');
  });

  for (const [kind, spec] of [
    ['byte', BYTES],
    ['bpe', BPE],
  ] as const) {
    it(`is the header and the ${kind} shards, byte for byte`, async () => {
      const { root, store, library } = setup();
      const manifest = await store.open('mark.txt', new Blob([mark]), spec, SMALL);
      expect(manifest.shards).toBeGreaterThan(2);
      const { fileName, blob } = await library.exportTokens(manifest.address);
      expect(fileName).toBe(kind === 'byte' ? 'mark.byte.bin' : 'mark.bpe600.bin');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      expect(bytes.length).toBe(1024 + 2 * manifest.tokens);
      const view = new DataView(bytes.buffer);
      expect(view.getInt32(0, true)).toBe(TOKEN_FILE_MAGIC);
      expect(view.getInt32(4, true)).toBe(1);
      expect(view.getInt32(8, true)).toBe(manifest.tokens);
      expect(Buffer.from(bytes.subarray(12, 44)).toString('hex')).toBe(manifest.address);
      expect(Buffer.from(bytes.subarray(1024)).equals(shardBytes(root, manifest))).toBe(true);
    });
  }

  it('is refused by name for a partial corpus, a damaged one and uint32 ids', async () => {
    const { root, store, library } = setup();
    let shards = 0;
    root.beforeMove = (name) => {
      if (name.startsWith('shard-') && ++shards === 3) throw new Error('killed');
    };
    await expect(store.open('mark.txt', new Blob([mark]), BYTES, SMALL)).rejects.toThrow('killed');
    const [partial] = await library.list();
    await expect(library.exportTokens(partial!.address)).rejects.toMatchObject({
      name: 'CorpusIncompleteError',
      message: expect.stringContaining('"mark.txt" is not finished'),
    });
    root.beforeMove = null;
    const manifest = await store.open('mark.txt', new Blob([mark]), BYTES, SMALL);
    const files = root.folders.get(manifest.address)!;
    files.set(shardName(1), files.get(shardName(1))!.subarray(2));
    await expect(library.exportTokens(manifest.address)).rejects.toMatchObject({
      name: 'CorpusDamagedError',
      message: expect.stringContaining(`${shardName(1)} holds 8190 bytes, not 8192`),
    });
    const wide = { ...manifest, dtype: 'uint32' as const };
    await expect(corpusTokenFile(store.files(manifest.address), wide)).rejects.toMatchObject({
      name: 'TokenFileUnsupportedError',
      message: expect.stringContaining('its ids are uint32'),
    });
  });

  it('is named after the text without its extension, and the tokenizer', () => {
    const base = { name: 'war and peace.txt', vocabSize: 601 } as CorpusManifest;
    const named = (tokenizer: string, textMode: string) =>
      tokenFileName({ ...base, identity: { ...base.identity, tokenizer, textMode } });
    expect(named('byte', 'prose;separator=blank')).toBe('war and peace.byte.bin');
    expect(named('f00d', 'prose;separator=blank')).toBe('war and peace.bpe600.bin');
    expect(named('f00d', 'prose;separator=none')).toBe('war and peace.bpe601.bin');
  });
});
