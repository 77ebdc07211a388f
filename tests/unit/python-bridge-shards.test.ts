import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrainerEvent } from '../../src/shared/api';
import type { CorpusProgress } from '../../src/shared/corpus-progress';
import { decodeCheckpoint, toSnapshotPayload } from '../../src/shared/checkpoint';
import type { RunConfig } from '../../src/shared/config';
import { ShardCorpusDatasets } from '../../workers/corpus/corpus-datasets';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { RunLibrary } from '../../workers/run-library';
import { Snapshotter } from '../../workers/snapshot/snapshotter';
import type { SnapshotStore } from '../../workers/store';
import { selectBackend } from '../../workers/training/backend';
import { restorePayload } from '../../workers/training/state-capture';
import { TrainerController } from '../../workers/training/trainer-controller';
import { GOLDEN_DIR } from './golden-files';
import { freshStore } from './store-fixtures';

/**
 * The browser's half of the bridge for runs on token shards (issue 20): a golden shard run's
 * checkpoint continued by `python3 -m tabtrainer continue` from the text file imports into the
 * app, still names its corpus, and resumes from the corpus this browser holds (no text given),
 * at Python's step; its windows, read from the shards, train on from Python's data position.
 */
const ROOT = resolve(__dirname, '../..');
const MARK_FILE = join(ROOT, 'tests/fixtures/text/mark.txt');
const MARK = { name: 'mark.txt', file: new Blob([new Uint8Array(readFileSync(MARK_FILE))]) };
const SMALL = { shardTokens: 4000, chunkBytes: 8191 };
const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;
const STEPS = 5;

beforeAll(async () => {
  // As corpus-runs.test.ts: a resume asks which backends this "browser" has; Node has none.
  vi.stubGlobal('self', { navigator: {} });
  await selectBackend('cpu');
});
afterAll(() => vi.unstubAllGlobals());

function continueInPython(source: string, steps: number): Uint8Array<ArrayBuffer> {
  const out = join(mkdtempSync(join(tmpdir(), 'tabtrainer-shards-')), 'out.safetensors');
  const args = ['-m', 'tabtrainer', 'continue', source, '--steps', String(steps)];
  const run = spawnSync('python3', [...args, '--text', MARK_FILE, '--out', out], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
    encoding: 'utf8',
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  return new Uint8Array(readFileSync(out));
}

function controllerOn(store: SnapshotStore, root: MemoryCorpusRoot, progress: CorpusProgress[]) {
  const emit = (_event: TrainerEvent) => undefined;
  return new TrainerController(
    store,
    new Snapshotter(store, emit, NO_TIMER),
    emit,
    { forced: 'cpu', init: 'cpu' },
    new ShardCorpusDatasets(root, (p) => progress.push(p), SMALL),
  );
}

describe('a run on token shards continued in torch', () => {
  for (const name of ['shards-byte', 'shards-bpe']) {
    it(`${name}: imports, names its corpus, and resumes from the shards at Python's step`, async () => {
      const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), 'utf8')) as {
        config: RunConfig;
        startStep: number;
      };
      const { store } = await freshStore();
      const root = new MemoryCorpusRoot();
      // This browser tokenized the same file for a run of its own: the corpus is here.
      const own = await new ShardCorpusDatasets(root, () => undefined, SMALL).create(
        golden.config,
        MARK,
      );
      const trained = continueInPython(join(GOLDEN_DIR, `${name}-start.safetensors`), STEPS);

      const library = new RunLibrary(store);
      const { token } = await library.inspectCheckpoint(new Blob([trained]));
      const imported = await library.importCheckpoint(token, null);
      expect(imported.config.corpus).toBe('shards');
      expect(imported.dataset.corpus).toEqual(own.info.corpus);
      expect(imported.dataset.id).toBe(own.info.id);

      const step = golden.startStep + STEPS;
      const decoded = await decodeCheckpoint(new Blob([trained]));
      expect(decoded.manifest.backend).toBe('torch-cpu');
      expect(decoded.manifest.cursor).toEqual({ epoch: 0, index: step * golden.config.batch });

      const progress: CorpusProgress[] = [];
      const controller = controllerOn(store, root, progress);
      const resumed = await controller.resumeRun(imported.id);
      expect(resumed.snapshot.step).toBe(step);
      await controller.forget(imported.id);
      // Reopened by its address: nothing tokenized again.
      expect(progress.map((p) => p.phase)).toEqual(['ready']);
      // Its windows, read from the shards, train on from Python's position.
      const payload = toSnapshotPayload(decoded, {
        id: 's',
        runId: 'r',
        trigger: 'import',
        pinned: false,
      });
      const session = await restorePayload(golden.config, own.data, payload);
      const losses = [await session.trainStep(), await session.trainStep()];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(session.sampler.position()).toEqual({
        epoch: 0,
        index: (step + 2) * golden.config.batch,
      });
      session.dispose();
      own.close?.();
    }, 300_000);
  }
});
