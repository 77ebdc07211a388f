import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/shared/snapshot';
import type { CorpusSpec } from '../../workers/corpus/corpus-address';
import { inProcessLocks } from '../../workers/corpus/corpus-lock';
import { shardName } from '../../workers/corpus/corpus-manifest';
import { CorpusStore, type OpenCorpusOptions } from '../../workers/corpus/corpus-store';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { CorpusLibrary, type OpenRuns } from '../../workers/corpus-library';
import { mark, markModel } from './bpe-fixtures';

const BYTES: CorpusSpec = { tokens: 'byte', separator: 'blank', bpe: null };
const BPE: CorpusSpec = { tokens: 'bpe', separator: 'blank', bpe: markModel(600) };
// Small shards, so Mark's gospel makes many; the source recorded as the app records it.
const SMALL: OpenCorpusOptions = { shardTokens: 4096, chunkBytes: 3001, recordSource: true };
const text = () => new Blob([mark]);

/** A stored run reading `address` (only the fields the library reads). */
function runOn(id: string, address: string): RunRecord {
  return {
    id,
    name: `run ${id}`,
    dataset: { name: 'mark.txt', corpus: { address, bytes: 1 } },
  } as unknown as RunRecord;
}

interface World {
  root: MemoryCorpusRoot;
  runs: RunRecord[];
  active: RunRecord | null;
  held: Set<string>;
  locks: ReturnType<typeof inProcessLocks>;
  library: CorpusLibrary;
}

function world(): World {
  const w = {
    root: new MemoryCorpusRoot(),
    runs: [] as RunRecord[],
    active: null as RunRecord | null,
    held: new Set<string>(),
    locks: inProcessLocks(),
  } as World;
  const open: OpenRuns = { active: () => w.active, held: async () => w.held };
  w.library = new CorpusLibrary(w.root, { listRuns: async () => w.runs }, open, w.locks);
  return w;
}

const store = (w: World) => new CorpusStore(w.root, w.locks);

describe('listing corpora', () => {
  it('gives each its text, files, tokens, tokenizer and the runs reading it', async () => {
    const w = world();
    const bytes = await store(w).open('mark.txt', text(), BYTES, SMALL);
    const bpe = await store(w).open('mark.txt', text(), BPE, SMALL);
    w.runs = [runOn('a', bytes.address), runOn('b', bytes.address), runOn('c', 'elsewhere')];
    const list = await w.library.list();
    expect(list.map((c) => c.address).sort()).toEqual([bytes.address, bpe.address].sort());
    const byBytes = list.find((c) => c.address === bytes.address)!;
    const onDisk = [...w.root.folders.get(bytes.address)!.values()].reduce(
      (n, f) => n + f.length,
      0,
    );
    expect(byBytes).toEqual({
      address: bytes.address,
      name: 'mark.txt',
      textBytes: mark.length,
      bytesOnDisk: onDisk,
      tokens: bytes.tokens,
      tokenizer: { kind: 'byte' },
      complete: true,
      runs: [
        { runId: 'a', runName: 'run a' },
        { runId: 'b', runName: 'run b' },
      ],
    });
    // The shards alone are two bytes a token; the manifest and source record add a little.
    expect(onDisk).toBeGreaterThan(bytes.tokens * 2);
    const byBpe = list.find((c) => c.address === bpe.address)!;
    expect(byBpe.tokenizer).toEqual({ kind: 'bpe', vocabSize: 600 });
    expect(byBpe.runs).toEqual([]);
    // Largest first: bytes make more tokens than a BPE of the same text.
    expect(list[0]!.address).toBe(bytes.address);
  });

  it('a stopped tokenization lists as partial, with its committed shards’ tokens', async () => {
    const w = world();
    let shards = 0;
    w.root.beforeMove = (name) => {
      if (name.startsWith('shard-') && ++shards === 4) throw new Error('killed');
    };
    await expect(store(w).open('mark.txt', text(), BPE, SMALL)).rejects.toThrow('killed');
    const [partial] = await w.library.list();
    expect(partial).toMatchObject({
      name: 'mark.txt',
      textBytes: mark.length,
      tokenizer: { kind: 'bpe', vocabSize: 600 },
      complete: false,
      tokens: 3 * 4096,
      runs: [],
    });
    expect(w.root.folders.get(partial!.address)!.has(shardName(2))).toBe(true);
  });

  it('names nothing where no source was recorded, and never fails on a damaged manifest', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, { shardTokens: 4096 });
    w.root.files(done.address).set('manifest.json', new TextEncoder().encode('{not json'));
    const [listed] = await w.library.list();
    expect(listed).toMatchObject({ name: null, textBytes: null, tokenizer: null, complete: false });
  });
});

/** The names every folder of `root` is asked to read from now on. */
function countReads(root: MemoryCorpusRoot): string[] {
  const reads: string[] = [];
  const folder = root.folder.bind(root);
  root.folder = (address) => {
    const files = folder(address);
    const read = files.read.bind(files);
    files.read = async (name) => {
      reads.push(name);
      return await read(name);
    };
    return files;
  };
  return reads;
}

describe('listing corpora again', () => {
  it('reads a finished corpus’s manifest alone; one deleted or cleared is read whole again', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, SMALL);
    const reads = countReads(w.root);
    const first = await w.library.list();
    const shards = reads.filter((name) => name.startsWith('shard-')).length;
    expect(shards).toBe(done.shards);

    reads.length = 0;
    expect(await w.library.list()).toEqual(first);
    expect(reads).toEqual(['manifest.json']);

    // Deleted here, then made again: read whole.
    await w.library.delete(done.address);
    expect(await w.library.list()).toEqual([]);
    await store(w).open('mark.txt', text(), BYTES, SMALL);
    reads.length = 0;
    expect(await w.library.list()).toEqual(first);
    expect(reads.filter((name) => name.startsWith('shard-'))).toHaveLength(done.shards);

    // Cleared behind the store's back (site data, another tab): gone from the list at once.
    w.root.folders.clear();
    expect(await w.library.list()).toEqual([]);
    // Its folder made again, empty, by a reader (as the OPFS root does): no manifest, no corpus.
    await w.root.folder(done.address).list();
    expect(await w.library.list()).toEqual([]);
  });
});

describe('deleting a corpus', () => {
  it('removes its files; the list empties; a second delete does nothing', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, SMALL);
    w.runs = [runOn('a', done.address)]; // a stored run not open anywhere: allowed
    await w.library.delete(done.address);
    expect(await w.root.addresses()).toEqual([]);
    expect(await w.library.list()).toEqual([]);
    // A reader that looks into the deleted folder makes it again, empty (as the OPFS root
    // does): that is no corpus.
    await w.root.folder(done.address).list();
    expect(await w.root.addresses()).toEqual([done.address]);
    expect(await w.library.list()).toEqual([]);
    await expect(w.library.delete(done.address)).resolves.toBeUndefined();
    expect(await w.library.list()).toEqual([]);
  });

  it('is refused by name while this worker’s run reads it, or a tab holds a run on it', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, SMALL);
    w.runs = [runOn('a', done.address)];
    w.active = runOn('new', done.address); // a new run not stored yet: its shards are open
    await expect(w.library.delete(done.address)).rejects.toMatchObject({
      name: 'CorpusInUseError',
      message: expect.stringMatching(/"mark\.txt" is in use: run "run new" has it open/),
    });
    w.active = runOn('other', 'elsewhere');
    w.held.add('a');
    await expect(w.library.delete(done.address)).rejects.toMatchObject({
      name: 'CorpusInUseError',
      message: expect.stringContaining('run "run a"'),
    });
    expect(await w.root.addresses()).toEqual([done.address]);
    w.held.clear();
    await w.library.delete(done.address);
    expect(await w.root.addresses()).toEqual([]);
  });

  it('is refused by name, without waiting, while a tokenization holds its lock', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, SMALL);
    let release = () => {};
    // What CorpusStore.open holds while it tokenizes: the corpus's lock, by address.
    const holding = w.locks.exclusive(done.address, () => new Promise<void>((r) => (release = r)));
    await expect(w.library.delete(done.address)).rejects.toMatchObject({
      name: 'CorpusBusyError',
      message: expect.stringContaining('Cancel that tokenization'),
    });
    expect(await w.root.addresses()).toEqual([done.address]);
    release();
    await holding;
    await w.library.delete(done.address);
    expect(await w.root.addresses()).toEqual([]);
  });
});

describe('the corpus a deleted run leaves unused', () => {
  it('is offered only when no stored run reads it any more', async () => {
    const w = world();
    const done = await store(w).open('mark.txt', text(), BYTES, SMALL);
    const [a, b] = [runOn('a', done.address), runOn('b', done.address)];
    w.runs = [b]; // a deleted, b still reads it
    expect(await w.library.unusedAfterDeleting(a)).toBeNull();
    w.runs = [];
    expect(await w.library.unusedAfterDeleting(b)).toMatchObject({
      address: done.address,
      runs: [],
      complete: true,
    });
    const inMemory = { id: 'm', name: 'm', dataset: { name: 'x' } } as unknown as RunRecord;
    expect(await w.library.unusedAfterDeleting(inMemory)).toBeNull();
  });
});
