import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  toSnapshotPayload,
  type DecodedCheckpoint,
} from '../../src/shared/checkpoint';
import { accumulatedBetaPower } from '../../src/shared/checkpoint/migrate-v1';
import { LEGACY_TRAINING } from '../../src/shared/config';
import { NO_GUARD_STATE } from '../../src/shared/snapshot';
import { CORPUS_DIR, blobBytes } from './checkpoint-fixtures';

function corpusFile(name: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(readFileSync(join(CORPUS_DIR, name)));
}

function decodeFile(name: string): Promise<DecodedCheckpoint> {
  return decodeCheckpoint(new Blob([corpusFile(name)]));
}

const IDS = { id: 's', runId: 'r', trigger: 'import', pinned: false } as const;

describe('files of the independent Node writer', () => {
  it('a current-version file decodes and re-encodes to the same bytes', async () => {
    const decoded = await decodeFile('valid-v3.safetensors');
    expect(decoded.formatVersion).toBe(3);
    expect(decoded.runName).toBe('tiny run');
    expect(decoded.manifest.step).toBe(3);
    expect(decoded.manifest.optimizer.iterations).toBe(3);
    expect(decoded.manifest.valLoss).toBe(1.375);
    expect(decoded.manifest.config).toMatchObject({ schedule: 'cosine', clip: 1, guard: 1 });
    expect(decoded.manifest.metrics.gradNorm).toEqual([
      [1, 0.25],
      [2, 0.5],
      [3, 0.75],
    ]);
    expect(decoded.manifest.guard).toMatchObject({
      skips: [{ fromBatch: 1, toBatch: 2 }],
      rewinds: [{ spikeStep: 2, toStep: 1, loss: NaN, gradNorm: NaN, lrScale: 0.5 }],
      lrScale: 0.5,
    });
    const again = encodeCheckpoint(toSnapshotPayload(decoded, IDS), decoded.runName);
    expect(Buffer.from(await blobBytes(again))).toEqual(
      Buffer.from(corpusFile('valid-v3.safetensors')),
    );
  });

  it('a file saved before the first step has no optimizer slots', async () => {
    const decoded = await decodeFile('valid-v3-fresh.safetensors');
    const names = decoded.manifest.tensors.map((t) => t.name);
    expect(names.filter((n) => n.startsWith('optimizer/'))).toEqual([
      'optimizer/iter',
      'optimizer/beta1_power',
      'optimizer/beta2_power',
    ]);
    expect(decoded.manifest.valLoss).toBeNull();
  });
});

describe('format version 2', () => {
  it("is migrated with today's behaviour: constant rate, no clipping, no guard, no rewinds", async () => {
    const v2 = await decodeFile('valid-v2.safetensors');
    const v3 = await decodeFile('valid-v3.safetensors');
    expect(v2.formatVersion).toBe(2);
    const { schedule, clip, guard } = v2.manifest.config;
    expect({ schedule, clip, guard }).toEqual({ schedule: 'constant', clip: 0, guard: 0 });
    const { train, val } = v3.manifest.metrics;
    expect(v2.manifest).toEqual({
      ...v3.manifest,
      config: { ...v3.manifest.config, ...LEGACY_TRAINING },
      metrics: { train, val },
      guard: NO_GUARD_STATE,
    });
    v2.data.forEach((buffer, i) => expect(Buffer.from(buffer)).toEqual(Buffer.from(v3.data[i])));
  });
});

describe('format version 1', () => {
  it('is migrated: renamed keys, training time 0, val loss and beta powers rebuilt', async () => {
    const v1 = await decodeFile('valid-v1.safetensors');
    const v2 = await decodeFile('valid-v2.safetensors');
    expect(v1.formatVersion).toBe(1);
    // The v1 file holds the same run as the v2 one, less what v1 did not record.
    expect(v1.manifest).toEqual({ ...v2.manifest, trainingMs: 0 });
    expect(v1.data.length).toBe(v2.data.length);
    v1.data.forEach((buffer, i) => expect(Buffer.from(buffer)).toEqual(Buffer.from(v2.data[i])));
  });

  it('re-exports as the current version', async () => {
    const v1 = await decodeFile('valid-v1.safetensors');
    const blob = encodeCheckpoint(toSnapshotPayload(v1, IDS), v1.runName);
    const again = await decodeCheckpoint(blob);
    expect(again.formatVersion).toBe(3);
    expect(again.manifest).toEqual(v1.manifest);
  });
});

describe('a newer format version', () => {
  it('is refused, naming the versions this app reads', async () => {
    await expect(decodeFile('future-version.safetensors')).rejects.toMatchObject({
      name: 'CheckpointVersionError',
      message: expect.stringMatching(/tab-trainer\/5.*reads tab-trainer\/1 to tab-trainer\/4/),
    });
  });
});

describe('accumulatedBetaPower', () => {
  it('is the float32 running product tfjs keeps, not pow()', () => {
    const b = Math.fround(0.999);
    let acc = b;
    for (let i = 0; i < 1000; i++) acc = Math.fround(acc * b);
    expect(accumulatedBetaPower(0.999, 1000)).toBe(acc);
    expect(accumulatedBetaPower(0.9, 0)).toBe(Math.fround(0.9));
    expect(accumulatedBetaPower(0.999, 1000)).not.toBe(Math.fround(Math.pow(b, 1001)));
  });

  it('stops once the product no longer changes, however many steps were taken', () => {
    const started = performance.now();
    const tail = accumulatedBetaPower(0.999, 1_000_000_000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Math.fround(tail * Math.fround(0.999))).toBe(tail);
  });
});
