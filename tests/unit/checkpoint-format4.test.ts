import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, toSnapshotPayload } from '../../src/shared/checkpoint';
import { readSafetensorsLayout } from '../../src/shared/checkpoint/safetensors-read';
import { safetensorsParts } from '../../src/shared/checkpoint/safetensors-write';
import {
  DEFAULT_CONFIG,
  LEGACY_TEXT_MODEL,
  validateConfig,
  type RunConfig,
} from '../../src/shared/config';
import { loadDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { restorePayload } from '../../workers/training/state-capture';
import { MICRO_GPT_SIZE, TINY_GPT, MARK_TEXT } from './gpt-fixtures';
import { sessionCheckpoint } from './session-checkpoint';
import { useCpuBackend } from './tf-setup';
import { bytesOf, snapshotOf, train } from './training-fixtures';

beforeAll(useCpuBackend);

const IDS = { id: 's', runId: 'r', trigger: 'import', pinned: false } as const;
const GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  ...MICRO_GPT_SIZE,
  separator: 'blank',
  dropout: 0.1,
  weightDecay: 0.05,
  tie: 0,
});

/** The same file with its metadata edited as `edit` says (every tensor kept). */
async function withMetadata(
  file: Uint8Array<ArrayBuffer>,
  edit: (meta: Record<string, string>) => void,
): Promise<Blob> {
  const layout = await readSafetensorsLayout(new Blob([file]));
  const meta = Object.fromEntries(layout.metadata!);
  edit(meta);
  const tensors = layout.entries.map((e) => ({
    name: e.name,
    dtype: e.dtype,
    shape: e.shape,
    data: file.slice(layout.dataStart + e.begin, layout.dataStart + e.end).buffer,
  }));
  return new Blob(safetensorsParts(tensors, meta));
}

async function metadataOf(file: Uint8Array<ArrayBuffer>): Promise<ReadonlyMap<string, string>> {
  return (await readSafetensorsLayout(new Blob([file]))).metadata!;
}

describe('checkpoint format 4', () => {
  it('holds a gpt run on byte prose and resumes it bit for bit, dropout and AdamW on', async () => {
    const dataset = await loadDataset('mark.txt', MARK_TEXT, GPT);
    const straight = TrainingSession.create(GPT, dataset.data);
    await train(straight, 4);
    const file = await sessionCheckpoint(straight, dataset.info);
    const meta = await metadataOf(file);
    expect(meta.get('format')).toBe('tab-trainer/4');
    expect(JSON.parse(meta.get('tokenizer')!)).toEqual({
      kind: 'byte',
      vocabSize: 257,
      text: 'prose',
      boundary: null,
      separator: { id: 256, text: '\n\n' },
    });
    expect(JSON.parse(meta.get('optimizer')!)).toMatchObject({
      className: 'AdamW',
      config: { beta1: 0.9, beta2: 0.95, weightDecay: 0.05 },
      iterations: 4,
    });
    expect(JSON.parse(meta.get('dataset')!)).toMatchObject({ vocab: '' });

    const decoded = await decodeCheckpoint(new Blob([file]));
    expect(decoded.formatVersion).toBe(4);
    expect(decoded.manifest.config).toEqual(GPT);
    expect(decoded.manifest.tensors.map((t) => t.name)).toContain('model/head/kernel');
    const resumed = await restorePayload(GPT, dataset.data, toSnapshotPayload(decoded, IDS));
    expect(await train(resumed, 5)).toEqual(await train(straight, 5));
    const [a, b] = [
      bytesOf((await snapshotOf(straight)).tensors),
      bytesOf((await snapshotOf(resumed)).tensors),
    ];
    for (const [name, bytes] of a) expect(b.get(name), name).toEqual(bytes);
    straight.dispose();
    resumed.dispose();
  });

  it('is written only where format 3 cannot say it: a char-lines Adam run stays format 3', async () => {
    const dataset = await loadDataset('mark.txt', MARK_TEXT);
    const config = { ...DEFAULT_CONFIG, steps: 0 };
    const session = TrainingSession.create(config, dataset.data);
    const file = await sessionCheckpoint(session, dataset.info);
    const meta = await metadataOf(file);
    expect(meta.get('format')).toBe('tab-trainer/3');
    expect(meta.has('tokenizer')).toBe(false);
    const written = JSON.parse(meta.get('config')!) as Record<string, unknown>;
    for (const key of Object.keys(LEGACY_TEXT_MODEL)) expect(written).not.toHaveProperty(key);
    // Read back, the run's config is whole again, with the values it trained with.
    const decoded = await decodeCheckpoint(new Blob([file]));
    expect(decoded.formatVersion).toBe(3);
    expect(decoded.manifest.config).toEqual(config);
    session.dispose();
  });

  it('migrates a format-3 file: characters, one example per line, plain Adam', async () => {
    const golden = readFileSync(
      resolve(__dirname, '../fixtures/golden/transformer-start.safetensors'),
    );
    const decoded = await decodeCheckpoint(new Blob([golden]));
    expect(decoded.formatVersion).toBe(3);
    expect(decoded.manifest.config).toMatchObject(LEGACY_TEXT_MODEL);
    expect(decoded.manifest.optimizer.className).toBe('Adam');
  });

  it('counts a character alphabet by code point: an emoji is one token', async () => {
    const text = ['a😀b', 'b😀c', ...'defghijklmnop'].join('\n');
    const dataset = await loadDataset('emoji.txt', text);
    expect(dataset.data.tokenizer.vocabSize).toBe([...dataset.info.vocab].length);
    expect(dataset.info.vocab.length).toBe([...dataset.info.vocab].length + 1);
    const session = TrainingSession.create({ ...DEFAULT_CONFIG, batch: 4 }, dataset.data);
    const decoded = await decodeCheckpoint(
      new Blob([await sessionCheckpoint(session, dataset.info)]),
    );
    expect(decoded.manifest.dataset.vocab).toBe(dataset.info.vocab);
    session.dispose();
  });

  describe('refuses, by name, a format-4 file that does not hold together', () => {
    let file: Uint8Array<ArrayBuffer>;
    beforeAll(async () => {
      const dataset = await loadDataset('mark.txt', MARK_TEXT, GPT);
      const session = TrainingSession.create(GPT, dataset.data);
      await train(session, 1);
      file = await sessionCheckpoint(session, dataset.info);
      session.dispose();
    });

    const refusal = async (edit: (meta: Record<string, string>) => void) => {
      const err = await decodeCheckpoint(await withMetadata(file, edit)).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      return err as Error;
    };

    it('a tokenizer that is not what its config and alphabet make', async () => {
      const err = await refusal((m) => {
        m['tokenizer'] = m['tokenizer']!.replace('"vocabSize":257', '"vocabSize":256');
      });
      expect(err.name).toBe('CheckpointFormatError');
      expect(err.message).toMatch(/metadata "tokenizer" disagrees with the run config/);
    });

    it('no tokenizer at all', async () => {
      const err = await refusal((m) => delete m['tokenizer']);
      expect(err.message).toMatch(/metadata "tokenizer" is missing/);
    });

    it('an optimizer that is not the config’s', async () => {
      const err = await refusal((m) => {
        m['optimizer'] = m['optimizer']!.replace('"beta2":0.95', '"beta2":0.999');
      });
      expect(err.name).toBe('CheckpointMismatchError');
      expect(err.message).toMatch(/betas 0.9 and 0.999.*not the one its run config trains with/);
    });

    it('an alphabet on byte tokens', async () => {
      const err = await refusal((m) => {
        m['dataset'] = m['dataset']!.replace('"vocab":""', '"vocab":"ab"');
      });
      expect(err.message).toMatch(/metadata "dataset" must describe the dataset/);
    });

    it('a config this version cannot build', async () => {
      const err = await refusal((m) => {
        m['config'] = m['config']!.replace('"heads":2', '"heads":3');
      });
      expect(err.name).toBe('CheckpointMismatchError');
      expect(err.message).toMatch(/multiple of heads/);
    });
  });
});
