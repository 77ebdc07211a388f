import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/shared/config';
import { installWasmKernels, removeWasmKernels } from '../../workers/training/kernels/install';
import { TP } from '../../workers/training/ops/kernel-names';
import { profileTrainingSteps } from '../../workers/training/profile/step-profile';
import { TrainingSession } from '../../workers/training/session';
import { TINY_GPT, proseOf } from './gpt-fixtures';
import { loadKernelFiles } from './kernel-files';
import { expectExactResume, train } from './training-fixtures';

// The WASM kernels the page trains with (SIMD, one thread in Node), and fast enough here for a
// few hundred steps of a tiny gpt: tfjs-wasm's own (the op layer's composites), then the
// trainer's Tp kernels, which the app installs.
beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

describe.each([false, true])('gpt on byte-level prose (wasm, trainer kernels: %s)', (kernels) => {
  beforeAll(async () => {
    if (kernels) await installWasmKernels(loadKernelFiles);
    else removeWasmKernels();
  });

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

  it(`runs ${kernels ? 'every Tp kernel' : 'no Tp kernel'} in a step (tied head, AdamW, dropout)`, async () => {
    const config = validateConfig({ ...TINY_GPT, dropout: 0.1 });
    expect(config.tie).toBe(1);
    expect(config.weightDecay).toBeGreaterThan(0);
    const session = TrainingSession.create(config, proseOf(config));
    const profile = await profileTrainingSteps(session, 1);
    const ours = new Set(profile.rows.filter((r) => r.op.startsWith('Tp')).map((r) => r.op));
    const forward = [TP.dense, TP.layerNorm, TP.gelu, TP.causalAttention, TP.embedding];
    const backward = [TP.denseGrad, TP.layerNormGrad, TP.geluGrad, TP.causalAttentionGrad];
    const loss = [TP.softmaxCrossEntropy, TP.softmaxCrossEntropyGrad, TP.embeddingGrad];
    const expected: string[] = [...forward, ...backward, ...loss, TP.globalNorm, TP.adam];
    if (kernels) expect([...ours].sort()).toEqual([...expected].sort());
    else expect([...ours]).toEqual([]);
    session.dispose();
  });
});

describe('gpt on the trainer’s wasm kernels against tfjs-wasm’s own', () => {
  it('trains to the same losses up to float rounding (tied head, AdamW, dropout)', async () => {
    const config = validateConfig({ ...TINY_GPT, dropout: 0.1 });
    const losses: number[][] = [];
    for (const kernels of [false, true]) {
      if (kernels) await installWasmKernels(loadKernelFiles);
      else removeWasmKernels();
      const session = TrainingSession.create(config, proseOf(config));
      losses.push(await train(session, 12));
      const state = await session.evaluate();
      losses.at(-1)!.push(state.loss);
      session.dispose();
    }
    const [theirs, ours] = losses as [number[], number[]];
    // Every step's loss differs from the first one (it trains), and ours follow tfjs's.
    expect(theirs.at(-1)!).toBeLessThan(theirs[0]! - 0.5);
    for (const [i, loss] of ours.entries())
      expect(loss, `step ${i + 1}`).toBeCloseTo(theirs[i]!, 3);
  });
});
