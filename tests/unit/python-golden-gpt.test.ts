import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { safetensorsParts } from '../../src/shared/checkpoint/safetensors-write';
import type { RunConfig } from '../../src/shared/config';
import { batchLoss, batchSampler, hostBatch } from '../../workers/training/batches';
import { dropoutTensors } from '../../workers/training/dropout';
import { evaluate, validationSet } from '../../workers/training/evaluation';
import { loadDataset, type LoadedDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { GOLDEN_GPT, GOLDEN_GPT_BPE, GOLDEN_GPT_CHAR } from './golden-configs';
import { goldenContinuation } from './golden-continuation';
import { compareOrWrite, compareOrWriteJson } from './golden-files';
import { sessionCheckpoint } from './session-checkpoint';
import { useCpuBackend } from './tf-setup';

/**
 * Golden vectors of three gpt runs on the Gospel of Mark for python/tests (see golden-files.ts):
 * a format-4 checkpoint at step 20; the next batch's logits and gradients with its dropout
 * masks (`<name>-math.safetensors`: `logits` and `grad/<variable>`, F32); and steps on from the
 * checkpoint as the app's loop takes them (validation every 25 steps), with the end state: 200
 * for `gpt`, the comparison; 50 for `gpt-char` and 30 for `gpt-bpe` (the CPU backend takes about 0.1 s a step
 * here and a validation as long as 20 steps, so the suite stays short).
 */
const TEXT_FILE = 'tests/fixtures/text/mark.txt';
const TEXT = readFileSync(resolve(__dirname, '../..', TEXT_FILE), 'utf8');
const START_STEP = 20;
// About 25 s of CPU for the 200 steps; a loaded machine stretches that several times over.

beforeAll(useCpuBackend);

async function f32(t: tf.Tensor): Promise<ArrayBuffer> {
  return new Float32Array(await t.data()).buffer;
}

/** The forward and backward pass of the batch the next step trains on, dropout masks and all. */
async function nextBatchMath(session: TrainingSession, data: LoadedDataset, config: RunConfig) {
  const peek = batchSampler(config, data.data, session.sampler.position(), session.guard.skips);
  const examples = peek.next();
  const number = peek.lastBatch!;
  const batch = hostBatch(data.data, 'train', examples, config);
  const tensors = tf.tidy(() => {
    const masks = dropoutTensors(config, number, batch.rows);
    const xt = tf.tensor2d(batch.x, [batch.rows, config.context], 'int32');
    const logits = session.model.logits(xt, masks);
    const { value, grads } = tf.variableGrads(
      () => batchLoss(session.model, config, batch, masks),
      session.model.variables.map((v) => v.variable),
    );
    return { logits, value, grads };
  });
  const written = [
    { name: 'logits', shape: tensors.logits.shape, data: await f32(tensors.logits) },
  ];
  for (const { name, variable } of session.model.variables) {
    const grad = tensors.grads[variable.name]!;
    written.push({ name: `grad/${name}`, shape: grad.shape, data: await f32(grad) });
  }
  const loss = (await tensors.value.data())[0]!;
  tf.dispose([tensors.logits, tensors.value, ...Object.values(tensors.grads)]);
  const parts = safetensorsParts(
    written.map((t) => ({ ...t, dtype: 'F32' as const })),
    { batchNumber: String(number) },
  );
  const file = new Uint8Array(await new Blob(parts).arrayBuffer());
  return { file, math: { examples: Array.from(examples), batchNumber: number, loss } };
}

describe('golden vectors of gpt runs for python/tests', () => {
  for (const [name, config, steps] of [
    ['gpt', GOLDEN_GPT, 200],
    ['gpt-char', GOLDEN_GPT_CHAR, 50],
    ['gpt-bpe', GOLDEN_GPT_BPE, 30],
  ] as const) {
    it(`${name}: a checkpoint, its next batch's math, and ${steps} steps on`, async () => {
      const data = await loadDataset('mark.txt', TEXT, config);
      const session = TrainingSession.create(config, data.data);
      for (let i = 0; i < START_STEP; i++) await session.trainStep();
      compareOrWrite(`${name}-start.safetensors`, await sessionCheckpoint(session, data.info));
      const validation = validationSet(data.data, config);
      const startVal = await evaluate(session.model, config, validation);
      const { file, math } = await nextBatchMath(session, data, config);
      compareOrWrite(`${name}-math.safetensors`, file);

      const continuation = await goldenContinuation(session, steps);
      compareOrWrite(`${name}-end.safetensors`, await sessionCheckpoint(session, data.info));
      compareOrWriteJson(`${name}.json`, {
        config,
        text: TEXT_FILE,
        startStep: START_STEP,
        startVal,
        bitsPerBytePerNat: session.bitsPerByteFactor,
        validation: { tokens: validation.tokens, bytes: validation.bytes },
        math,
        continuation,
      });
      session.dispose();
    }, 300_000);
  }
});
