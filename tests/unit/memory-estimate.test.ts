import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import { trainingMemory } from '../../src/shared/memory-estimate';
import { checkFitsBackend } from '../../workers/training/backend-memory';
import { TrainingSession } from '../../workers/training/session';
import { TINY_GPT, proseOf } from './gpt-fixtures';
import { useCpuBackend } from './tf-setup';
import { dataset, tinyMlp, tinyTransformer } from './training-fixtures';

beforeAll(useCpuBackend);

/** tfjs's own count: the bytes of every tensor alive at the step's peak. */
async function peakBytes(session: TrainingSession): Promise<number> {
  await session.trainStep(); // Adam's slots exist from the first step on
  const before = tf.memory().numBytes;
  const { peakBytes } = await tf.profile(() => session.trainStep());
  // What was alive before the step and is not the session's (other tests' tensors) is not its.
  const own = session.model.variables.reduce((sum, v) => sum + v.variable.size * 4, 0) * 3;
  return peakBytes - before + own;
}

describe('the memory a training step needs', () => {
  const base = { ...TINY_GPT, embed: 32, width: 128, layers: 2, heads: 2, context: 32, batch: 8 };
  const gpts: [string, Partial<RunConfig>][] = [
    ['tiny gpt', {}],
    ['wider', { embed: 64, heads: 4 }],
    ['deeper', { layers: 4 }],
    ['longer context', { context: 64, batch: 4 }],
  ];
  for (const [label, change] of gpts) {
    it(`is estimated within 15% of tf.profile's peak: ${label}`, async () => {
      const config = validateConfig({ ...base, ...change });
      const data = proseOf(config);
      const session = TrainingSession.create(config, data);
      const measured = await peakBytes(session);
      const estimate = trainingMemory(config, data.tokenizer.vocabSize).totalBytes;
      expect(Math.abs(estimate / measured - 1)).toBeLessThan(0.15);
      session.dispose();
    });
  }

  it('is within 25% for the small models too', async () => {
    for (const config of [tinyMlp, tinyTransformer]) {
      const session = TrainingSession.create(config, dataset);
      const measured = await peakBytes(session);
      const estimate = trainingMemory(config, dataset.tokenizer.vocabSize).totalBytes;
      expect(Math.abs(estimate / measured - 1), config.model).toBeLessThan(0.25);
      session.dispose();
    }
  });
});

describe('a model that does not fit its backend', () => {
  it('is refused by name before anything is allocated, saying how much it needs', () => {
    const mini = presetConfig('gpt-mini');
    expect(() => checkFitsBackend(mini, 256, 'wasm')).not.toThrow();
    const huge = validateConfig({ ...mini, batch: 64, context: 1024 });
    const need = trainingMemory(huge, 256).totalBytes;
    expect(need).toBeGreaterThan(4 * 1024 ** 3);
    expect(() => checkFitsBackend(huge, 256, 'wasm')).toThrow(
      expect.objectContaining({
        name: 'ModelTooLargeError',
        message: expect.stringMatching(
          new RegExp(
            `needs about ${(need / 1024 ** 3).toFixed(1)} GB to train on wasm, which holds at most 4.0 GB\\. Choose a smaller preset`,
          ),
        ),
      }),
    );
    // A GPU that takes smaller buffers than the attention scores need refuses by the tensor.
    expect(() =>
      checkFitsBackend(huge, 256, 'webgpu', {
        totalBytes: null,
        largestTensorBytes: 128 * 1024 ** 2,
      }),
    ).toThrow(/needs a tensor of 1.5 GB on webgpu, which takes tensors of at most 128.0 MB/);
  });
});
