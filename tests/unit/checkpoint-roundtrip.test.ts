import { describe, expect, it } from 'vitest';
import {
  checkpointFileName,
  decodeCheckpoint,
  encodeCheckpoint,
  toSnapshotPayload,
} from '../../src/shared/checkpoint';
import { SnapshotCorruptError } from '../../src/shared/errors';
import type { SnapshotPayload } from '../../src/shared/snapshot';
import {
  TINY_MLP,
  TINY_TRANSFORMER,
  blobBytes,
  checkpointPayload,
  recordingSource,
} from './checkpoint-fixtures';

const IDS = { id: 'snap-1', runId: 'run-1', trigger: 'manual', pinned: false } as const;

async function roundTrip(payload: SnapshotPayload): Promise<SnapshotPayload> {
  const decoded = await decodeCheckpoint(encodeCheckpoint(payload, 'my run'));
  expect(decoded.runName).toBe('my run');
  expect(decoded.formatVersion).toBe(3);
  return toSnapshotPayload(decoded, IDS);
}

function expectSameBytes(actual: readonly ArrayBuffer[], expected: readonly ArrayBuffer[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((buffer, i) => {
    expect(Buffer.from(buffer).equals(Buffer.from(expected[i])), `tensor ${i}`).toBe(true);
  });
}

describe('checkpoint round trip', () => {
  for (const [label, config, iterations] of [
    ['mlp after 5 steps', TINY_MLP, 5],
    ['mlp before its first step (no slots)', TINY_MLP, 0],
    ['transformer after 5 steps', TINY_TRANSFORMER, 5],
  ] as const) {
    it(`gives back every bit of a ${label}`, async () => {
      const payload = await checkpointPayload(config, { iterations });
      const back = await roundTrip(payload);
      expect(back.manifest).toEqual(payload.manifest);
      expectSameBytes(back.data, payload.data);
    });
  }

  it('reads a file whose entries come in another order, returning canonical order', async () => {
    const payload = await checkpointPayload(TINY_MLP);
    const order = payload.manifest.tensors.map((_, i) => i).reverse();
    const shuffled: SnapshotPayload = {
      manifest: { ...payload.manifest, tensors: order.map((i) => payload.manifest.tensors[i]) },
      data: order.map((i) => payload.data[i]),
    };
    const back = await roundTrip(shuffled);
    expect(back.manifest).toEqual(payload.manifest);
    expectSameBytes(back.data, payload.data);
  });

  it('reads only the length, the header and each tensor once', async () => {
    const payload = await checkpointPayload(TINY_MLP);
    const { source, slices } = recordingSource(encodeCheckpoint(payload, 'r'));
    await decodeCheckpoint(source);
    expect(slices.length).toBe(2 + payload.data.length);
    expect(slices[0]).toEqual([0, 8]);
  });

  it('stops between tensors when aborted', async () => {
    const blob = encodeCheckpoint(await checkpointPayload(TINY_MLP), 'r');
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(decodeCheckpoint(blob, { signal: controller.signal })).rejects.toThrow(
      'user cancelled',
    );
  });
});

describe('checkpoint file layout', () => {
  it('is safetensors byte for byte: LE length, padded JSON header, contiguous data', async () => {
    const payload = await checkpointPayload(TINY_TRANSFORMER);
    const bytes = await blobBytes(encodeCheckpoint(payload, 'layout'));
    const view = new DataView(bytes.buffer);
    const headerLength = view.getBigUint64(0, true);
    // Little-endian: the low byte first, the high bytes zero for any sane header.
    expect(bytes[0] + bytes[1] * 256 + bytes[2] * 65536).toBe(Number(headerLength));
    expect([...bytes.subarray(3, 8)]).toEqual([0, 0, 0, 0, 0]);
    const n = Number(headerLength);
    expect(n % 8).toBe(0);
    const header = bytes.subarray(8, 8 + n);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(header);
    const jsonEnd = header.lastIndexOf(0x7d) + 1;
    expect(n - jsonEnd).toBeLessThan(8);
    for (let i = jsonEnd; i < n; i++) expect(header[i]).toBe(0x20);
    expect(text[0]).toBe('{');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('__metadata__');
    const metadata = parsed['__metadata__'] as Record<string, unknown>;
    expect(Object.keys(metadata).sort()).toEqual(
      [
        'format',
        'step',
        'epoch',
        'config',
        'dataset',
        'optimizer',
        'rng',
        'data_cursor',
        'metrics',
        'created_at',
        'sha256',
        'app_version',
        'tfjs_version',
        'backend',
        'training_ms',
        'run_name',
        'val_loss',
        'guard',
      ].sort(),
    );
    for (const value of Object.values(metadata)) expect(typeof value).toBe('string');
    expect(metadata['format']).toBe('tab-trainer/3');
    expect(metadata['created_at']).toBe('2025-05-06T07:08:09.123Z');
    expect(JSON.parse(metadata['dataset'] as string)).toEqual(payload.manifest.dataset);
    const sha = JSON.parse(metadata['sha256'] as string) as Record<string, string>;
    let offset = 0;
    payload.manifest.tensors.forEach((t, i) => {
      const entry = parsed[t.name] as { dtype: string; shape: number[]; data_offsets: number[] };
      expect(entry).toEqual({
        dtype: t.dtype === 'float32' ? 'F32' : 'I32',
        shape: t.shape,
        data_offsets: [offset, offset + t.byteLength],
      });
      expect(sha[t.name]).toBe(t.sha256);
      const start = 8 + n + offset;
      expect(Buffer.from(bytes.subarray(start, start + t.byteLength))).toEqual(
        Buffer.from(payload.data[i]),
      );
      offset += t.byteLength;
    });
    expect(bytes.length).toBe(8 + n + offset);
    expect(Object.keys(parsed).length).toBe(1 + payload.manifest.tensors.length);
  });

  it('refuses to export a snapshot whose buffers disagree with its manifest', async () => {
    const payload = await checkpointPayload(TINY_MLP);
    const short = { ...payload, data: payload.data.slice(1) };
    expect(() => encodeCheckpoint(short, 'r')).toThrow(SnapshotCorruptError);
    const swapped = {
      ...payload,
      data: [payload.data[1], payload.data[0], ...payload.data.slice(2)],
    };
    expect(() => encodeCheckpoint(swapped, 'r')).toThrow(/model\/emb/);
  });
});

describe('checkpointFileName', () => {
  it('names the run and the step, in characters every file system takes', () => {
    expect(checkpointFileName('tiny run', 1200)).toBe('tiny-run-step1200.safetensors');
    expect(checkpointFileName('Café/../<b>:names?', 3)).toBe('Cafe-..-b-names-step3.safetensors');
    expect(checkpointFileName('...', 0)).toBe('run-step0.safetensors');
    expect(checkpointFileName('', 7)).toBe('run-step7.safetensors');
    expect(checkpointFileName('x'.repeat(300), 1)).toBe(`${'x'.repeat(64)}-step1.safetensors`);
  });
});
