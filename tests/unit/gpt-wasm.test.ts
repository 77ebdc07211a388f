import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/shared/config';
import { TrainingSession } from '../../workers/training/session';
import { TINY_GPT, expectExactResume, proseOf } from './gpt-fixtures';
import { train } from './training-fixtures';

// The WASM kernels the page trains with (SIMD, one thread in Node), and fast enough here for a
// few hundred steps of a tiny gpt.
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

describe('gpt on byte-level prose (wasm)', () => {
  it('learns: validation falls from 8 bits per byte to below 4 in 200 steps', async () => {
    // The Gospel of Mark, bytes, paragraphs separated by a separator token.
    const config = validateConfig({ ...TINY_GPT, separator: 'blank' });
    const session = TrainingSession.create(config, proseOf(config));
    const start = await session.evaluate();
    expect(start.bitsPerByte).toBeGreaterThan(7.5);
    await train(session, 200);
    const end = await session.evaluate();
    expect(end.bitsPerByte).toBeLessThan(4);
    expect(end.loss).toBeLessThan(start.loss - 2);
    expect(session.tokensSeen).toBe(200 * config.batch * config.context);
    session.dispose();
  });

  it('resumes from a snapshot exactly as the uninterrupted run, dropout on', () => {
    const config = validateConfig({ ...TINY_GPT, dropout: 0.1 });
    return expectExactResume(config, proseOf(config));
  });
});
