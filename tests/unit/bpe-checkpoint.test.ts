import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../src/shared/checkpoint';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import type { DatasetInfo } from '../../src/shared/snapshot';
import { decodeFile, exportSnapshot, writeRunFrom } from '../../workers/checkpoint/checkpoint-io';
import { importTokenizerJson } from '../../workers/training/bpe/tokenizer-json-import';
import { loadDataset, reloadDataset } from '../../workers/training/run-setup';
import { restorePayload } from '../../workers/training/state-capture';
import { MARK_TEXT, TINY_GPT } from './gpt-fixtures';
import { freshStore } from './store-fixtures';
import { expectTrainsOnAlike, storedRun } from './stored-run-fixtures';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const config: RunConfig = validateConfig({
  ...TINY_GPT,
  embed: 16,
  width: 64,
  context: 16,
  batch: 4,
  tokens: 'bpe',
  vocabSize: 600,
  separator: 'blank',
});

/** A BPE gpt run stored as the app stores one (run, text, first snapshot), 5 steps in. */
const setup = () =>
  storedRun({ config, fileName: 'mark.txt', text: MARK_TEXT, runName: 'bpe run', steps: 5 });

/** The exported file of the stored snapshot, its dataset's tokenizer replaced. */
async function withTokenizer(tokenizer: string | undefined): Promise<Blob> {
  const { store, manifest } = await setup();
  const payload = await store.loadSnapshotBlobs(manifest.id);
  const dataset: DatasetInfo = { ...payload.manifest.dataset };
  if (tokenizer === undefined) delete (dataset as { tokenizer?: string }).tokenizer;
  else Object.assign(dataset, { tokenizer });
  const changed = { ...payload, manifest: { ...payload.manifest, dataset } };
  return encodeCheckpoint(changed, 'bpe run');
}

describe('a BPE run through store, export and import', () => {
  it('stores its tokenizer.json with the run and carries it in the exported file', async () => {
    const { store, dataset, run, session, manifest } = await setup();
    const tokenizer = dataset.info.tokenizer!;
    expect(importTokenizerJson(tokenizer).vocabSize).toBe(600);
    expect(manifest.dataset.tokenizer).toBe(tokenizer);

    const file = await exportSnapshot(store, run, manifest.id);
    const { store: other } = await freshStore();
    const offered = { name: 'm.txt', bytes: new TextEncoder().encode(MARK_TEXT).buffer };
    const imported = await writeRunFrom(other, await decodeFile(file.blob), offered, null);
    expect(imported.dataset.tokenizer).toBe(tokenizer);

    // The imported run tokenizes with the file's tokenizer and trains on identically.
    const text = await other.getDataset(imported.dataset.id);
    const reloaded = await reloadDataset(imported.dataset, text!.bytes, imported.config);
    expect(reloaded.info).toEqual(dataset.info);
    const { payload } = await other.loadLatestGood(imported.id);
    const resumed = await restorePayload(imported.config, reloaded.data, payload);
    await expectTrainsOnAlike(session, resumed, 3);
  }, 120_000);

  it('resumes with the stored tokenizer, not one learned again', async () => {
    const { dataset } = await setup();
    const other = await loadDataset('mark.txt', MARK_TEXT, { ...config, vocabSize: 700 });
    // A stored tokenizer of another size than the config's is refused by name...
    const foreign = { ...dataset.info, tokenizer: other.info.tokenizer! };
    await expect(reloadDataset(foreign, dataset.bytes, config)).rejects.toMatchObject({
      name: 'TokenizerJsonMalformedError',
      message: expect.stringMatching(/700 tokens, but the run's config says vocabSize=600/),
    });
    // ...and the stored one is what tokenizes: one learned on other text gives other ids.
    const upper = await loadDataset('MARK.txt', MARK_TEXT.toUpperCase(), config);
    const swapped = { ...dataset.info, tokenizer: upper.info.tokenizer! };
    const reloaded = await reloadDataset(swapped, dataset.bytes, config);
    const again = await reloadDataset(dataset.info, dataset.bytes, config);
    if (reloaded.data.kind !== 'prose' || again.data.kind !== 'prose') throw new Error('prose');
    if (dataset.data.kind !== 'prose') throw new Error('prose');
    expect(reloaded.data.bpe!.merges).toEqual(
      upper.data.kind === 'prose' && upper.data.bpe!.merges,
    );
    expect(reloaded.data.train).not.toEqual(dataset.data.train);
    expect(again.data.train).toEqual(dataset.data.train);
  }, 120_000);

  it('refuses, by name, a file whose tokenizer.json is bad or missing', async () => {
    const wordPiece = JSON.stringify({ version: '1.0', model: { type: 'WordPiece', vocab: {} } });
    const cases: [string | undefined, string][] = [
      ['{"model": ', 'TokenizerJsonMalformedError'],
      [wordPiece, 'TokenizerJsonUnsupportedError'],
      [undefined, 'CheckpointFormatError'],
    ];
    for (const [tokenizer, name] of cases) {
      const blob = await withTokenizer(tokenizer);
      await expect(decodeFile(blob), name).rejects.toMatchObject({ name });
    }
  }, 120_000);
});
