import { describe, expect, it } from 'vitest';
import type { CorpusProgress } from '../../src/shared/corpus-progress';
import { validateConfig } from '../../src/shared/config';
import { TokenizeCancelledError } from '../../src/shared/errors';
import type { CorpusSpec } from '../../workers/corpus/corpus-address';
import { ShardCorpusDatasets } from '../../workers/corpus/corpus-datasets';
import { TEMP_SUFFIX } from '../../workers/corpus/corpus-files';
import { inProcessLocks } from '../../workers/corpus/corpus-lock';
import { MANIFEST_FILE, shardName } from '../../workers/corpus/corpus-manifest';
import { CorpusStore, type OpenCorpusOptions } from '../../workers/corpus/corpus-store';
import {
  DISK_FULL_BACKOFF,
  DiskFullRetry,
  isRefusedWrite,
  ShortWriteError,
  type DiskFullPause,
} from '../../workers/corpus/disk-full-pause';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import type { Clock } from '../../workers/store';
import { markModel } from './bpe-fixtures';
import { MIXED_CORPUS, SMALL_SHARDS } from './corpus-fixtures';
import { TINY_GPT } from './gpt-fixtures';

const blob = () => new Blob([MIXED_CORPUS]);

const SHARD_BYTES = SMALL_SHARDS.shardTokens! * 2; // uint16

const SPECS: Record<string, CorpusSpec> = {
  'bytes, no separator': { tokens: 'byte', separator: 'none', bpe: null },
  'bytes, blank lines': { tokens: 'byte', separator: 'blank', bpe: null },
  'BPE 600, literal separator': { tokens: 'bpe', separator: '<|end|>', bpe: markModel(600) },
};

/** Time that passes only when the test says: each sleep waits for `fire()`. */
class HeldClock implements Clock {
  readonly sleeps: number[] = [];
  private pending: (() => void)[] = [];
  now = () => 0;
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.pending.push(resolve));
  }
  fire(): void {
    const due = this.pending;
    this.pending = [];
    for (const resolve of due) resolve();
  }
}

/** A store on `root` whose full-disk pauses are seen one by one through `nextPause()`. */
function pausingStore(root: MemoryCorpusRoot, clock = new HeldClock()) {
  const retry = new DiskFullRetry(clock);
  const store = new CorpusStore(root, inProcessLocks(), retry);
  const waiting: ((pause: DiskFullPause) => void)[] = [];
  const pauses: DiskFullPause[] = [];
  const onProgress: OpenCorpusOptions['onProgress'] = (event) => {
    if (event.phase !== 'paused') return;
    pauses.push(event);
    waiting.shift()?.(event);
  };
  const nextPause = () => new Promise<DiskFullPause>((resolve) => waiting.push(resolve));
  return { store, retry, clock, pauses, nextPause, options: { ...SMALL_SHARDS, onProgress } };
}

async function cleanFiles(spec: CorpusSpec) {
  const root = new MemoryCorpusRoot();
  const manifest = await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
  return { manifest, files: filesOf(root, manifest.address) };
}

function filesOf(root: MemoryCorpusRoot, address: string): Map<string, Uint8Array> {
  return new Map([...root.folders.get(address)!].map(([n, b]) => [n, b.slice()]));
}

/** Settles-or-not, without waiting: a paused open must not have settled. */
function settledFlag(promise: Promise<unknown>): { settled: boolean } {
  const flag = { settled: false };
  promise.then(
    () => (flag.settled = true),
    () => (flag.settled = true),
  );
  return flag;
}

describe('a full disk while tokenizing pauses it; space back, it goes on', () => {
  it('keeps the committed shards, leaves nothing half-written, retries on the backoff, and ends byte-identical', async () => {
    const spec = SPECS['bytes, no separator']!;
    const clean = await cleanFiles(spec);
    const root = new MemoryCorpusRoot();
    root.capacity = 5 * SHARD_BYTES + 1000;
    const { store, clock, nextPause, options } = pausingStore(root);
    const paused = nextPause();
    const opening = store.open('c.txt', blob(), spec, options);
    const flag = settledFlag(opening);

    const first = await paused;
    expect(first.error).toMatchObject({ name: 'CorpusDiskFullError' });
    expect(first.error.message).toMatch(/^The disk is full \(or the browser cannot write to it\)/);
    expect(first.error.message).toMatch(/Tokenizing is paused and goes on by itself/);
    expect(first.error.message).toMatch(/free some space.*or press Cancel/);
    expect(first.retryInMs).toBe(DISK_FULL_BACKOFF.minMs);
    const files = root.folders.get(clean.manifest.address)!;
    expect([...files.keys()].filter((n) => n.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(files.has(MANIFEST_FILE)).toBe(false);
    // What is committed is already what the uninterrupted run wrote.
    const committed = [...files.keys()].filter((n) => n.startsWith('shard-'));
    expect(committed.length).toBeGreaterThanOrEqual(3);
    for (const name of committed) expect(files.get(name), name).toEqual(clean.files.get(name));
    expect(flag.settled).toBe(false);

    // Still full: the next try pauses again, a longer wait.
    const again = nextPause();
    clock.fire();
    expect((await again).retryInMs).toBe(DISK_FULL_BACKOFF.minMs * DISK_FULL_BACKOFF.factor);
    expect([...files.keys()].filter((n) => n.endsWith(TEMP_SUFFIX))).toEqual([]);

    root.capacity = Infinity;
    clock.fire();
    expect(await opening).toEqual(clean.manifest);
    expect(filesOf(root, clean.manifest.address)).toEqual(clean.files);
    expect(clock.sleeps).toEqual([2000, 4000]);
  });

  it('Retry tries at once, without waiting for the backoff', async () => {
    const spec = SPECS['bytes, blank lines']!;
    const clean = await cleanFiles(spec);
    const root = new MemoryCorpusRoot();
    root.capacity = 4 * SHARD_BYTES;
    const { store, retry, clock, nextPause, options } = pausingStore(root);
    const paused = nextPause();
    const opening = store.open('c.txt', blob(), spec, options);
    await paused;
    root.capacity = Infinity;
    retry.retryNow(); // the clock never fires
    expect(await opening).toEqual(clean.manifest);
    expect(filesOf(root, clean.manifest.address)).toEqual(clean.files);
    // The backoff's timer, when it comes, finds nothing left to wake.
    const events = root.events.length;
    clock.fire();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(root.events.length).toBe(events);
  });

  it('Cancel while paused stops at once; the committed shards stay and a later open goes on from them', async () => {
    const spec = SPECS['BPE 600, literal separator']!;
    const clean = await cleanFiles(spec);
    const root = new MemoryCorpusRoot();
    root.capacity = 3 * SHARD_BYTES;
    const { store, nextPause, options } = pausingStore(root);
    const cancel = new AbortController();
    const paused = nextPause();
    const opening = store.open('c.txt', blob(), spec, { ...options, signal: cancel.signal });
    await paused;
    cancel.abort(new TokenizeCancelledError());
    await expect(opening).rejects.toMatchObject({ name: 'TokenizeCancelledError' });
    const kept = [...root.folders.get(clean.manifest.address)!.keys()];
    expect(kept.filter((n) => n.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(kept).toContain(shardName(0));

    root.capacity = Infinity;
    const resumedAt = root.events.length;
    await new CorpusStore(root).open('c.txt', blob(), spec, SMALL_SHARDS);
    expect(filesOf(root, clean.manifest.address)).toEqual(clean.files);
    const rewritten = root.events
      .slice(resumedAt)
      .filter((e) => e.op === 'move' && e.to.startsWith('shard-')).length;
    expect(rewritten).toBeLessThan(clean.manifest.shards);
  });

  for (const [label, spec] of Object.entries(SPECS)) {
    it(`filled again and again (${label}): every pause frees a little, the shards come out identical`, async () => {
      const clean = await cleanFiles(spec);
      const root = new MemoryCorpusRoot();
      root.capacity = 2 * SHARD_BYTES + 300;
      const { store, clock, pauses, options } = pausingStore(root);
      // Each pause gives back about a shard's room (and a bit more for progress.json), so the
      // disk fills at another shard (or the manifest) each time.
      const freeing: OpenCorpusOptions['onProgress'] = (event) => {
        options.onProgress!(event);
        if (event.phase !== 'paused') return;
        root.capacity += SHARD_BYTES + 173;
        queueMicrotask(() => clock.fire());
      };
      const manifest = await store.open('c.txt', blob(), spec, {
        ...SMALL_SHARDS,
        onProgress: freeing,
      });
      expect(manifest).toEqual(clean.manifest);
      expect(filesOf(root, manifest.address)).toEqual(clean.files);
      expect(pauses.length).toBeGreaterThanOrEqual(3);
      expect(pauses.every((p) => p.error.name === 'CorpusDiskFullError')).toBe(true);
    });
  }
});

describe('a write the browser refused for space is a full disk; other failures are not', () => {
  it('QuotaExceededError, and the AbortError / UnknownError Chromium cuts a file stream with', () => {
    for (const name of ['QuotaExceededError', 'AbortError', 'UnknownError']) {
      expect(isRefusedWrite(new DOMException('refused', name)), name).toBe(true);
    }
    // A sync access handle's write() that took part of a shard.
    expect(isRefusedWrite(new ShortWriteError('shard-00003.bin', 10, 20))).toBe(true);
    for (const err of [
      new DOMException('gone', 'NotFoundError'),
      new DOMException('locked', 'NoModificationAllowedError'),
      new TypeError('bad'),
      new TokenizeCancelledError(),
      null,
    ]) {
      expect(isRefusedWrite(err), String(err)).toBe(false);
    }
  });
});

describe('the page is told of the pause, and its Retry reaches it', () => {
  it('ShardCorpusDatasets reports a paused tokenizing event with the refusal; retryNow goes on', async () => {
    const root = new MemoryCorpusRoot();
    root.capacity = 3 * SHARD_BYTES;
    const progress: CorpusProgress[] = [];
    let onPause: () => void = () => undefined;
    const pausedOnce = new Promise<void>((resolve) => (onPause = resolve));
    const datasets = new ShardCorpusDatasets(
      root,
      (p) => {
        progress.push(p);
        if (p.paused !== undefined) onPause();
      },
      SMALL_SHARDS,
      new DiskFullRetry(new HeldClock()),
    );
    const config = validateConfig({ ...TINY_GPT, separator: 'blank', corpus: 'shards' });
    const loading = datasets.create(config, { name: 'c.txt', file: blob() });
    await pausedOnce;
    const pause = progress.at(-1)!;
    const before = progress.at(-2)!;
    expect(pause).toMatchObject({
      phase: 'tokenizing',
      bytesDone: before.bytesDone,
      tokens: before.tokens,
      paused: { error: { name: 'CorpusDiskFullError' }, retryInMs: DISK_FULL_BACKOFF.minMs },
    });
    expect(pause.paused!.error.message).toMatch(/The disk is full/);
    root.capacity = Infinity;
    datasets.retryNow();
    const loaded = await loading;
    expect(progress.at(-1)).toMatchObject({ phase: 'ready', bytesDone: MIXED_CORPUS.length });
    loaded.close?.();
  });
});
