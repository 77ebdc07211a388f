import { describe, expect, it } from 'vitest';
import { parseSeparator } from '../../src/shared/text-mode';
import type { CorpusSpec } from '../../workers/corpus/corpus-address';
import { MANIFEST_FILE, shardName } from '../../workers/corpus/corpus-manifest';
import { CorpusStore } from '../../workers/corpus/corpus-store';
import { TEMP_SUFFIX } from '../../workers/corpus/corpus-files';
import { inProcessLocks } from '../../workers/corpus/corpus-lock';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { buildProse } from '../../workers/training/prose-data';
import { markModel } from './bpe-fixtures';
import { MIXED_CORPUS, SMALL_SHARDS } from './corpus-fixtures';

const blob = () => new Blob([MIXED_CORPUS]);

const SPECS: Record<string, CorpusSpec> = {
  'bytes, no separator': { tokens: 'byte', separator: 'none', bpe: null },
  'bytes, blank lines': { tokens: 'byte', separator: 'blank', bpe: null },
  'BPE 600, literal separator': { tokens: 'bpe', separator: '<|end|>', bpe: markModel(600) },
  'BPE 600, blank lines': { tokens: 'bpe', separator: 'blank', bpe: markModel(600) },
};

/** Every shard's tokens, joined, as numbers. */
function shardTokens(root: MemoryCorpusRoot, address: string, shards: number): number[] {
  const files = root.folders.get(address)!;
  const out: number[] = [];
  for (let i = 0; i < shards; i++) {
    const bytes = files.get(shardName(i))!;
    out.push(...new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
  }
  return out;
}

/** The finished corpus's files, by name, as bytes. */
function filesOf(root: MemoryCorpusRoot, address: string): Map<string, Uint8Array> {
  return new Map([...root.folders.get(address)!].map(([n, b]) => [n, b.slice()]));
}

/** Tokenizes the corpus on `root` and cancels once `shards` shards are written: it rejects. */
async function cancelAtShard(root: MemoryCorpusRoot, spec: CorpusSpec, shards: number) {
  const cancel = new AbortController();
  await expect(
    new CorpusStore(root).open('c.txt', blob(), spec, {
      ...SMALL_SHARDS,
      signal: cancel.signal,
      onProgress: (p) => {
        if (p.phase === 'tokenizing' && p.shards === shards) cancel.abort();
      },
    }),
  ).rejects.toThrow();
}

describe('corpus shards: the same tokens as the text tokenized in memory', () => {
  for (const [label, spec] of Object.entries(SPECS)) {
    it(label, async () => {
      const root = new MemoryCorpusRoot();
      const manifest = await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
      const memory = buildProse(
        'c.txt',
        MIXED_CORPUS,
        spec.tokens,
        parseSeparator(spec.separator),
        spec.bpe?.vocabSize,
        spec.bpe,
      );
      const expected = [...memory.train, ...memory.val];
      expect(manifest.tokens).toBe(expected.length);
      expect(manifest.documents).toBe(memory.documents);
      expect(manifest.shards).toBe(Math.ceil(expected.length / 4096));
      expect(manifest.dtype).toBe('uint16');
      expect(manifest.bytes).toBe(MIXED_CORPUS.length);
      expect(shardTokens(root, manifest.address, manifest.shards)).toEqual(expected);
    });
  }
});

describe('a tokenization killed half-way goes on from its last committed shard', () => {
  for (const [label, spec] of Object.entries(SPECS)) {
    it(`${label}: killed at every commit, the files equal an uninterrupted run's`, async () => {
      const clean = new MemoryCorpusRoot();
      const done = await new CorpusStore(clean).open('c.txt', blob(), spec, SMALL_SHARDS);
      const expected = filesOf(clean, done.address);
      const shardWrites = clean.events.filter((e) => e.op === 'move').length;
      // Kill before the k-th rename (a shard's or progress.json's), for k over every rename.
      // An odd step, so both kinds of rename (a shard's, progress.json's) are hit.
      const step = 2 * Math.floor(shardWrites / 16) + 1;
      for (let k = 1; k < shardWrites; k += step) {
        const root = new MemoryCorpusRoot();
        let moves = 0;
        let killedAt = '';
        root.beforeMove = (name) => {
          if (++moves === k) {
            killedAt = name;
            throw new Error('killed');
          }
        };
        await expect(
          new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS),
        ).rejects.toThrow('killed');
        // A throw runs the commit's cleanup, which a killed tab never does: leave what a kill
        // leaves, a torn temporary file, and no manifest.
        root.files(done.address).set(killedAt + TEMP_SUFFIX, Uint8Array.of(1, 2, 3));
        expect(root.folders.get(done.address)!.has(MANIFEST_FILE)).toBe(false);
        root.beforeMove = null;
        const resumedWrites = root.events.length;
        const again = await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
        expect(again).toEqual(done);
        expect(filesOf(root, done.address)).toEqual(expected);
        // It went on, rather than starting over: fewer shards written after the kill.
        const rewritten = root.events
          .slice(resumedWrites)
          .filter((e) => e.op === 'move' && e.to.startsWith('shard-')).length;
        // Renames alternate shard, progress.json: ⌊(k - 1) / 2⌋ shards were committed and kept.
        expect(rewritten).toBe(done.shards - Math.floor((k - 1) / 2));
      }
    });
  }

  it('a cancelled tokenization goes on from its shards too', async () => {
    const spec = SPECS['BPE 600, literal separator']!;
    const clean = new MemoryCorpusRoot();
    const done = await new CorpusStore(clean).open('c.txt', blob(), spec, SMALL_SHARDS);
    const root = new MemoryCorpusRoot();
    await cancelAtShard(root, spec, 3);
    expect(root.folders.get(done.address)!.has(shardName(2))).toBe(true);
    await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
    expect(filesOf(root, done.address)).toEqual(filesOf(clean, done.address));
  });
});

describe('a stopped tokenization whose shards were lost starts over', () => {
  it("a committed shard missing or cut short: the files still equal an uninterrupted run's", async () => {
    const spec = SPECS['bytes, blank lines']!;
    const clean = new MemoryCorpusRoot();
    const done = await new CorpusStore(clean).open('c.txt', blob(), spec, SMALL_SHARDS);
    for (const damage of ['missing', 'short'] as const) {
      const root = new MemoryCorpusRoot();
      await cancelAtShard(root, spec, 4);
      const files = root.files(done.address);
      if (damage === 'missing') files.delete(shardName(1));
      else files.set(shardName(1), files.get(shardName(1))!.subarray(0, 100));
      const resumed = root.events.length;
      await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
      expect(filesOf(root, done.address)).toEqual(filesOf(clean, done.address));
      // Started over: every shard written again.
      const rewritten = root.events
        .slice(resumed)
        .filter((e) => e.op === 'move' && e.to.startsWith('shard-')).length;
      expect(rewritten, damage).toBe(done.shards);
    }
  });
});

describe('each shard is committed whole: written under a temporary name, then moved', () => {
  it('every file appears only by a rename of its complete temporary file', async () => {
    const root = new MemoryCorpusRoot();
    const done = await new CorpusStore(root).open(
      'c.txt',
      blob(),
      SPECS['bytes, blank lines']!,
      SMALL_SHARDS,
    );
    const files = root.folders.get(done.address)!;
    for (let i = 0; i < done.shards; i++) {
      const name = shardName(i);
      const write = root.events.findIndex((e) => e.op === 'write' && e.name === name + TEMP_SUFFIX);
      const move = root.events.findIndex((e) => e.op === 'move' && e.to === name);
      expect(write).toBeGreaterThanOrEqual(0);
      expect(move).toBeGreaterThan(write);
      const written = root.events[write]!;
      expect(written.op === 'write' && written.bytes).toBe(files.get(name)!.length);
    }
    expect(root.events.some((e) => e.op === 'write' && !e.name.endsWith(TEMP_SUFFIX))).toBe(false);
    expect([...files.keys()].filter((n) => n.endsWith(TEMP_SUFFIX))).toEqual([]);
  });
});

describe('a corpus is content-addressed: the text, the tokenizer and the text mode', () => {
  it('the same bytes under another name share the corpus; nothing is written again', async () => {
    const root = new MemoryCorpusRoot();
    const store = new CorpusStore(root);
    const spec = SPECS['BPE 600, blank lines']!;
    const first = await store.open('a.txt', blob(), spec, SMALL_SHARDS);
    const writes = root.events.length;
    const second = await store.open(
      'copy of a.txt',
      new Blob([MIXED_CORPUS.slice()]),
      spec,
      SMALL_SHARDS,
    );
    expect(second.address).toBe(first.address);
    expect(root.events.length).toBe(writes);
    expect(await root.addresses()).toEqual([first.address]);
  });

  it('two opens of one corpus at once tokenize it once: the second waits, then reads it', async () => {
    const root = new MemoryCorpusRoot();
    const spec = SPECS['BPE 600, blank lines']!;
    // Two stores on the same files, as two tabs' workers are.
    const locks = inProcessLocks();
    const [a, b] = await Promise.all([
      new CorpusStore(root, locks).open('a.txt', blob(), spec, SMALL_SHARDS),
      new CorpusStore(root, locks).open('b.txt', blob(), spec, SMALL_SHARDS),
    ]);
    expect(b).toEqual(a);
    const shardMoves = root.events.filter((e) => e.op === 'move' && e.to.startsWith('shard-'));
    expect(shardMoves.length).toBe(a.shards);
  });

  it('another text, tokenizer or separator is another corpus', async () => {
    const root = new MemoryCorpusRoot();
    const store = new CorpusStore(root);
    const base = SPECS['BPE 600, blank lines']!;
    const other = MIXED_CORPUS.slice();
    other[100] ^= 1;
    const addresses = new Set([
      (await store.open('c.txt', blob(), base, SMALL_SHARDS)).address,
      (await store.open('c.txt', new Blob([other]), base, SMALL_SHARDS)).address,
      (await store.open('c.txt', blob(), { ...base, bpe: markModel(700) }, SMALL_SHARDS)).address,
      (await store.open('c.txt', blob(), { ...base, separator: '<|end|>' }, SMALL_SHARDS)).address,
      (await store.open('c.txt', blob(), { ...base, tokens: 'byte', bpe: null }, SMALL_SHARDS))
        .address,
    ]);
    expect(addresses.size).toBe(5);
    expect((await store.list()).map((c) => c.bytesOnDisk > 0)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});

describe('bad corpus files are refused by name, and nothing is stored', () => {
  it('not text, empty, over the limit, or without its separator', async () => {
    const root = new MemoryCorpusRoot();
    const store = new CorpusStore(root);
    const spec = SPECS['bytes, blank lines']!;
    const gzip = new Blob([Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3])]);
    await expect(store.open('t.txt.gz', gzip, spec)).rejects.toMatchObject({
      name: 'CorpusNotTextError',
      message: expect.stringContaining('a gzip archive'),
    });
    await expect(store.open('e.txt', new Blob([]), spec)).rejects.toMatchObject({
      name: 'TextEmptyError',
    });
    const huge = { size: 2 ** 32, slice: () => new Blob([]) } as unknown as Blob;
    await expect(store.open('big.txt', huge, spec)).rejects.toMatchObject({
      name: 'CorpusTooLargeError',
      message: expect.stringContaining('4.0 GB'),
    });
    await expect(
      store.open('one.txt', new Blob(['no blank line anywhere']), spec, SMALL_SHARDS),
    ).rejects.toMatchObject({ name: 'SeparatorNotFoundError' });
    expect(await root.addresses()).toEqual([]);
  });
});
