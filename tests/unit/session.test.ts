import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/shared/config';
import { TrainingSession } from '../../workers/training/session';
import { useCpuBackend } from './tf-setup';
import {
  bytesOf,
  dataset,
  expectExactResume,
  expectLossFalls,
  snapshotOf,
  tinyMlp,
  tinyTransformer,
  train,
} from './training-fixtures';

beforeAll(useCpuBackend);

describe.each([
  ['mlp', tinyMlp],
  ['transformer', tinyTransformer],
] as const)('%s session', (_, config) => {
  it('produces logits of the right shape', () => {
    const session = TrainingSession.create(config, dataset);
    const x = tf.zeros([5, config.context], 'int32') as tf.Tensor2D;
    const logits = session.model.logits(x);
    const next = session.model.nextLogits(x);
    const vocab = dataset.vocab.length;
    expect(logits.shape).toEqual(config.model === 'mlp' ? [5, vocab] : [5, config.context, vocab]);
    expect(next.shape).toEqual([5, vocab]);
    tf.dispose([x, logits, next]);
    session.dispose();
  });

  it('lowers the loss over a few dozen steps', () => expectLossFalls(config));

  it('gives bitwise-identical state for the same seed and different state for another', async () => {
    const runs = [];
    for (const seed of [7, 7, 8]) {
      const session = TrainingSession.create({ ...config, seed }, dataset);
      await train(session, 6);
      runs.push(bytesOf((await snapshotOf(session)).tensors));
      session.dispose();
    }
    const [a, b, c] = runs as [
      Map<string, Uint8Array>,
      Map<string, Uint8Array>,
      Map<string, Uint8Array>,
    ];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, bytes] of a) expect(b.get(name), name).toEqual(bytes);
    expect(c.get('model/' + session0Name(config))).not.toEqual(
      a.get('model/' + session0Name(config)),
    );
  });

  it('resumed from a snapshot equals the uninterrupted run, bit for bit', () =>
    expectExactResume(config, dataset));
});

function session0Name(config: RunConfig): string {
  return config.model === 'mlp' ? 'hidden0/kernel' : 'block0/attn/qkv/kernel';
}

describe('sampling', () => {
  it('is a pure function of the weights, seed and step', async () => {
    const session = TrainingSession.create(tinyMlp, dataset);
    const a = await session.sample(4);
    const b = await session.sample(4);
    expect(a).toEqual(b);
    expect(a).toHaveLength(4);
    expect(session.hostState().prng).toEqual(TrainingSession.create(tinyMlp, dataset).prng.state());
    session.dispose();
  });
});
