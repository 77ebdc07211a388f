import { resolve } from 'node:path';
import { LEGACY_TEXT_MODEL, LEGACY_TRAINING, type RunConfig } from '../../src/shared/config';
import { checkpointTensors } from '../../src/shared/checkpoint/checkpoint-tensors';
import { accumulatedBetaPower, float32Scalar } from '../../src/shared/checkpoint/migrate-v1';
import { toTensorDType } from '../../src/shared/checkpoint/safetensors-dtype';
import type { BlobSource } from '../../src/shared/checkpoint/safetensors-read';
import { sha256Hex } from '../../src/shared/hash';
import { elementCount } from '../../src/shared/model-spec';
import type { DatasetInfo, SnapshotPayload, TensorRecord } from '../../src/shared/snapshot';

export const CORPUS_DIR = resolve(__dirname, '../fixtures/malformed');
/** CI clones the repo with shared/ beside it, as on a developer's machine. */
export const SHARED_FIXTURES_DIR = resolve(__dirname, '../../../shared/fixtures/safetensors');

export const TINY_MLP: RunConfig = {
  model: 'mlp',
  embed: 4,
  width: 8,
  layers: 2,
  heads: 1,
  context: 3,
  batch: 4,
  lr: 0.003,
  seed: 11,
  steps: 0,
  ...LEGACY_TRAINING,
  ...LEGACY_TEXT_MODEL,
  schedule: 'cosine',
  warmup: 2,
  decaySteps: 50,
  minLr: 0.0003,
  clip: 1,
  guard: 1,
};

export const TINY_TRANSFORMER: RunConfig = { ...TINY_MLP, model: 'transformer', heads: 2 };

/** Characters that need JSON escaping or several UTF-8 bytes: the header's encoding is tested. */
export const TRICKY_VOCAB = '\n "\\aé€';

/** Float32 bit patterns a lossy copy would change: -0, NaN payloads, a denormal, Infinity. */
const TRICKY_BITS = [0x80000000, 0x7fc00123, 0xffa00001, 0x00000001, 0x7f800000, 0x3f800000];

function tensorBytes(dtype: 'F32' | 'I32', count: number, salt: number): ArrayBuffer {
  const words = new Uint32Array(count);
  let x = (salt * 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = dtype === 'F32' && i < TRICKY_BITS.length ? TRICKY_BITS[i] : x >>> 0;
  }
  return words.buffer;
}

/** A snapshot of a model of `config`, every tensor's bytes deterministic and its hash right. */
export async function checkpointPayload(
  config: RunConfig,
  options: { iterations?: number; vocab?: string } = {},
): Promise<SnapshotPayload> {
  const iterations = options.iterations ?? 5;
  const vocab = options.vocab ?? TRICKY_VOCAB;
  const dataset: DatasetInfo = {
    id: 'f'.repeat(64),
    name: 'tricky "names".txt',
    vocab,
    trainExamples: 40,
    valExamples: 4,
  };
  const beta1 = 0.9;
  const beta2 = 0.999;
  const layout = checkpointTensors(config, vocab.length, {
    slots: iterations > 0,
    betaPowers: true,
  });
  const data = layout.map((t, i) => {
    if (t.name === 'optimizer/iter') return new Int32Array([iterations]).buffer;
    if (t.name.endsWith('beta1_power'))
      return float32Scalar(accumulatedBetaPower(beta1, iterations));
    if (t.name.endsWith('beta2_power'))
      return float32Scalar(accumulatedBetaPower(beta2, iterations));
    return tensorBytes(t.dtype, elementCount(t.shape), i + 1);
  });
  const tensors: TensorRecord[] = await Promise.all(
    layout.map(async (t, i) => ({
      name: t.name,
      dtype: toTensorDType(t.dtype),
      shape: t.shape,
      byteLength: data[i].byteLength,
      sha256: await sha256Hex(data[i]),
    })),
  );
  return {
    manifest: {
      id: 'snap-1',
      runId: 'run-1',
      createdAt: Date.UTC(2025, 4, 6, 7, 8, 9, 123),
      trigger: 'manual',
      config,
      dataset,
      backend: 'webgpu',
      appVersion: '0.1.0',
      tfjsVersion: '4.22.0',
      step: iterations,
      cursor: { epoch: 2, index: 12 },
      prng: [0xdeadbeef, 1, 0xffffffff, 42],
      optimizer: {
        className: 'Adam',
        config: { learningRate: config.lr, beta1, beta2, epsilon: 1e-7 },
        iterations,
      },
      // NaN stands for a diverged loss, which JSON can only carry as null.
      metrics: {
        train: [
          [1, 2.0794415416798357],
          [2, NaN],
          [3, 1.5],
        ],
        val: [[3, 1.625]],
        gradNorm: [
          [1, 0.5],
          [2, NaN],
          [3, 0.25],
        ],
      },
      // A rewind after a non-finite step 2: its loss and norm travel as null.
      guard: {
        skips: [{ fromBatch: 1, toBatch: 2 }],
        rewinds: [
          {
            spikeStep: 2,
            reason: 'non-finite',
            loss: NaN,
            gradNorm: NaN,
            mean: null,
            toSnapshotId: 'snap-0',
            toStep: 1,
            skipped: { fromBatch: 1, toBatch: 2 },
            lrScale: 1,
          },
        ],
        lrScale: 1,
      },
      trainingMs: 1234.5678901234,
      tensors,
      bytes: data.reduce((sum, b) => sum + b.byteLength, 0),
      valLoss: 1.625,
      pinned: false,
    },
    data,
  };
}

export async function blobBytes(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** A Blob whose every slice is recorded, to prove what the reader read and what it did not. */
export function recordingSource(inner: BlobSource): {
  source: BlobSource;
  slices: [number, number][];
} {
  const slices: [number, number][] = [];
  const source: BlobSource = {
    size: inner.size,
    slice(start?: number, end?: number, type?: string): Blob {
      slices.push([start ?? 0, end ?? inner.size]);
      return inner.slice(start, end, type);
    },
  };
  return { source, slices };
}
