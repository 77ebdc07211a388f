import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrainerEvent } from '../../src/shared/api';
import type { CorpusProgress } from '../../src/shared/corpus-progress';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { configFromParams, configToParams } from '../../src/shared/config-params';
import { ShardCorpusDatasets } from '../../workers/corpus/corpus-datasets';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { Snapshotter } from '../../workers/snapshot/snapshotter';
import type { SnapshotStore } from '../../workers/store';
import { selectBackend } from '../../workers/training/backend';
import { RunLibrary } from '../../workers/run-library';
import { TrainerController } from '../../workers/training/trainer-controller';
import { MARK_TEXT, TINY_GPT } from './gpt-fixtures';
import { freshStore } from './store-fixtures';

beforeAll(async () => {
  // A resume asks which backends this "browser" has (backend-probe.ts looks in self.navigator):
  // Node has none of WebGPU, WebGL or a worker's self, so the run resumes on cpu, where it was.
  vi.stubGlobal('self', { navigator: {} });
  // Started as the worker's init starts it (the app's CPU kernels), as the resume does again.
  await selectBackend('cpu');
});
afterAll(() => vi.unstubAllGlobals());

const TEXT = new TextEncoder().encode(MARK_TEXT);
const MARK = { name: 'mark.txt', file: new Blob([TEXT]) };
// Shards far smaller than the text, so a run reads across many of them.
const SMALL = { shardTokens: 4000, chunkBytes: 8191 };
const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;

const SHARDS: RunConfig = validateConfig({
  ...TINY_GPT,
  embed: 16,
  width: 64,
  context: 16,
  batch: 4,
  steps: 4,
  separator: 'blank',
  corpus: 'shards',
});

const BPE_SHARDS: RunConfig = validateConfig({ ...SHARDS, tokens: 'bpe', vocabSize: 600 });

/** A worker's run lifecycle as the app builds it, over a store and a corpus root it is given. */
function worker(store: SnapshotStore, root: MemoryCorpusRoot) {
  const events: TrainerEvent[] = [];
  const progress: CorpusProgress[] = [];
  const emit = (event: TrainerEvent) => events.push(event);
  const controller = new TrainerController(
    store,
    new Snapshotter(store, emit, NO_TIMER),
    emit,
    { forced: 'cpu', init: 'cpu' },
    new ShardCorpusDatasets(root, (p) => progress.push(p), SMALL),
  );
  /** Trains to the step budget; resolves with the snapshot the budget's end committed. */
  const trainToBudget = async () => {
    const loopId = await controller.start();
    const final = () =>
      events.find((e) => e.type === 'snapshot-committed' && e.snapshot.step === SHARDS.steps);
    await expect.poll(final, { timeout: 60_000 }).toBeDefined();
    expect(events.find((e) => e.type === 'loop-ended')).toMatchObject({
      loopId,
      end: { reason: 'budget' },
    });
    return (final() as Extract<TrainerEvent, { type: 'snapshot-committed' }>).snapshot;
  };
  return { controller, progress, trainToBudget };
}

describe('a gpt run on token shards (corpus=shards)', () => {
  it('tokenizes the file into shards, stores no text, and trains from them', async () => {
    const { store } = await freshStore();
    const root = new MemoryCorpusRoot();
    const { controller, progress } = worker(store, root);
    const run = await controller.newRun(SHARDS, MARK);
    const address = run.dataset.corpus!.address;
    expect(run.dataset.corpus).toEqual({ address, bytes: TEXT.length });
    expect(run.dataset.name).toBe('mark.txt');
    expect(await store.getDataset(run.dataset.id)).toBeUndefined();
    expect(
      (await root.folder(address).list()).filter((n) => n.startsWith('shard-')).length,
    ).toBeGreaterThan(2);
    const tokenizing = progress.filter((p) => p.phase === 'tokenizing');
    expect(tokenizing.at(-1)).toMatchObject({ bytesDone: TEXT.length, bytesTotal: TEXT.length });
    expect(progress.at(-1)).toMatchObject({ phase: 'ready', tokens: run.dataset.trainExamples });
  });

  for (const [label, config] of [
    ['bytes', SHARDS],
    ['BPE 600', BPE_SHARDS],
  ] as const) {
    it(`${label}: resumes by address; gone, it asks for the same file, refuses another, and is bit for bit`, async () => {
      const { store } = await freshStore();
      const root = new MemoryCorpusRoot();
      const first = worker(store, root);
      const run = await first.controller.newRun(config, MARK);
      const start = run.latestSnapshotId!;
      const straight = await first.trainToBudget();
      expect(straight.step).toBe(4);
      await first.controller.forget(run.id);

      // The same browser after a reload: the corpus is found by its address.
      const reload = worker(store, root);
      expect((await reload.controller.resumeRun(run.id)).snapshot.step).toBe(4);
      expect(reload.progress.map((p) => p.phase)).toEqual(['ready']);
      await reload.controller.forget(run.id);

      // Site data cleared: the run is kept, its shards are not.
      const cleared = worker(store, new MemoryCorpusRoot());
      await expect(cleared.controller.resumeRun(run.id, start)).rejects.toMatchObject({
        name: 'CorpusMissingError',
        message: expect.stringContaining('"mark.txt"'),
      });
      const other = { name: 'mark.txt', file: new Blob([TEXT.subarray(0, TEXT.length - 1)]) };
      await expect(cleared.controller.resumeRun(run.id, start, other)).rejects.toMatchObject({
        name: 'CorpusFileMismatchError',
      });
      expect(cleared.progress.some((p) => p.phase === 'tokenizing')).toBe(false);

      const report = await cleared.controller.resumeRun(run.id, start, MARK);
      expect(report.snapshot.step).toBe(0);
      const resumed = await cleared.trainToBudget();
      const a = await store.loadSnapshot(straight.id);
      const b = await store.loadSnapshot(resumed.id);
      expect(b.manifest.tensors.map((t) => t.sha256)).toEqual(
        a.manifest.tensors.map((t) => t.sha256),
      );
      for (const key of ['cursor', 'prng', 'optimizer', 'metrics'] as const) {
        expect(b.manifest[key]).toEqual(a.manifest[key]);
      }
    }, 120_000);
  }

  it('exports a checkpoint without its text; the import names the corpus and resumes from it', async () => {
    const { store } = await freshStore();
    const root = new MemoryCorpusRoot();
    const { controller } = worker(store, root);
    const run = await controller.newRun(SHARDS, MARK);
    await controller.forget(run.id);
    const library = new RunLibrary(store);
    const file = await library.exportCheckpoint(run.id, null);
    const { token } = await library.inspectCheckpoint(file.blob);
    const imported = await library.importCheckpoint(token, null);
    expect(imported.dataset).toEqual(run.dataset);
    expect(imported.config.corpus).toBe('shards');
    const resumed = await worker(store, root).controller.resumeRun(imported.id);
    expect(resumed.snapshot.step).toBe(0);
    // Imported into a browser without the corpus, it asks for the text as a cleared one does.
    await expect(
      worker(store, new MemoryCorpusRoot()).controller.resumeRun(imported.id),
    ).rejects.toMatchObject({ name: 'CorpusMissingError' });
  }, 60_000);
});

describe('the corpus=shards switch', () => {
  it('is off by default, round-trips through the URL, and needs prose in byte or BPE tokens', () => {
    expect(configFromParams(new URLSearchParams('model=gpt')).config.corpus).toBeUndefined();
    const { config } = configFromParams(
      new URLSearchParams('model=gpt&tokens=byte&text=prose&corpus=shards'),
    );
    expect(config.corpus).toBe('shards');
    expect(configToParams(config).get('corpus')).toBe('shards');
    expect(() => validateConfig({ ...TINY_GPT, tokens: 'char', corpus: 'shards' })).toThrow(
      /corpus=shards.*tokens=byte or tokens=bpe/,
    );
    expect(() => validateConfig({ ...TINY_GPT, corpus: 'disk' })).toThrow(/Unknown corpus "disk"/);
  });
});
