import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/shared/hash';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import type { SnapshotPayload } from '../../src/shared/snapshot';
import { decodeFile, exportSnapshot, writeRunFrom } from '../../workers/checkpoint/checkpoint-io';
import { restorePayload } from '../../workers/training/state-capture';
import { freshStore } from './store-fixtures';
import { expectTrainsOnAlike, storedRun } from './stored-run-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const config: RunConfig = { ...DEFAULT_CONFIG, embed: 8, width: 24, batch: 8, context: 3 };
const text = Array.from({ length: 60 }, (_, i) => `word${'abcdef'[i % 6]}${i % 7}`).join('\n');

const setup = () =>
  storedRun({ config, fileName: 'words.txt', text, runName: 'source run', steps: 5 });

describe('export then import', () => {
  it('stores a run whose state is bitwise the exported one, and it trains on identically', async () => {
    const { store, dataset, run, session, manifest } = await setup();
    const file = await exportSnapshot(store, run, manifest.id);
    expect(file.fileName).toBe('source-run-step5.safetensors');

    const imported = await writeRunFrom(store, await decodeFile(file.blob), null, null);
    const { payload } = await store.loadLatestGood(imported.id);
    const original = await store.loadSnapshot(manifest.id);
    expect(payload.manifest.step).toBe(5);
    expect(payload.manifest.tensors).toEqual(original.manifest.tensors);
    payload.data.forEach((d, i) =>
      expect(new Uint8Array(d)).toEqual(new Uint8Array(original.data[i]!)),
    );
    for (const key of ['cursor', 'prng', 'optimizer', 'metrics', 'config'] as const) {
      expect(payload.manifest[key]).toEqual(original.manifest[key]);
    }

    const resumed = await restorePayload(config, dataset.data, payload);
    await expectTrainsOnAlike(session, resumed, 4);
  });

  it('refuses a file whose text this browser lacks, writing nothing', async () => {
    const { store, run, manifest } = await setup();
    const file = await exportSnapshot(store, run, manifest.id);
    const { store: other } = await freshStore();
    await expect(
      writeRunFrom(other, await decodeFile(file.blob), null, null),
    ).rejects.toMatchObject({
      name: 'CheckpointDatasetError',
    });
    expect(await other.listRuns()).toEqual([]);
    // Offering the right text makes the same file importable.
    const ok = await writeRunFrom(
      other,
      await decodeFile(file.blob),
      { name: 'w.txt', bytes: new TextEncoder().encode(text).buffer },
      null,
    );
    expect((await other.listRuns()).map((r) => r.id)).toEqual([ok.id]);
  });

  it('finds the text of a run made before texts were bytes in the same file, byte order mark and all', async () => {
    // Older builds hashed the text File.text() decoded: without its byte order mark.
    const file = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const { store, run, manifest } = await setup();
    expect(manifest.dataset.id).toBe(await sha256Hex(new TextEncoder().encode(text)));
    const exported = await exportSnapshot(store, run, manifest.id);
    const { store: other } = await freshStore();
    const ok = await writeRunFrom(
      other,
      await decodeFile(exported.blob),
      { name: 'w.txt', bytes: file.buffer },
      null,
    );
    expect((await other.getDataset(ok.dataset.id))?.bytes).toEqual(new TextEncoder().encode(text));
  });
});

describe('a new run from a checkpoint (fine-tuning)', () => {
  it('keeps the weights, takes the new learning rate and budget, and can reset Adam', async () => {
    const { store, dataset, run, manifest } = await setup();
    const source = { payload: await store.loadSnapshot(manifest.id), name: run.name };
    const fork = await writeRunFrom(store, source, null, {
      lr: 0.001,
      steps: 50,
      resetOptimizer: true,
    });
    expect(fork.config.lr).toBe(0.001);
    expect(fork.config.steps).toBe(50);
    const { payload } = await store.loadLatestGood(fork.id);
    expect(payload.manifest.optimizer.iterations).toBe(0);
    expect(payload.manifest.tensors.some((t) => t.name.endsWith('/m'))).toBe(false);
    const model = (p: SnapshotPayload) =>
      p.manifest.tensors.flatMap((t, i) =>
        t.name.startsWith('model/') ? [new Uint8Array(p.data[i]!)] : [],
      );
    expect(model(payload)).toEqual(model(source.payload));

    const session = await restorePayload(fork.config, dataset.data, payload);
    expect(session.optimizer.iterations).toBe(0);
    await session.trainStep();
    expect(session.optimizer.iterations).toBe(1);
    session.dispose();
  });
});
