import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import { batchLoss, hostBatch } from '../../workers/training/batches';
import { buildDataset } from '../../workers/training/dataset';
import {
  ADD_N_MAX_INPUTS,
  addMany,
  clipByGlobalNorm,
  globalNorm,
} from '../../workers/training/gradients';
import { TrainingSession } from '../../workers/training/session';
import names from '../../workers/training/names.txt?raw';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const dataset = buildDataset(names);
const config: RunConfig = { ...DEFAULT_CONFIG, embed: 8, width: 24, batch: 8, context: 3 };

function grads(): tf.NamedTensorMap {
  // Global norm √(3² + 4² + 12²) = 13.
  return { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
}

describe('clipping by global norm', () => {
  it('measures the norm of all gradients together', async () => {
    const g = grads();
    expect((await globalNorm(g).data())[0]).toBeCloseTo(13, 5);
  });

  it('leaves gradients under the threshold bit for bit as they were', async () => {
    const g = { a: tf.tensor1d([0.1, -3e-8, 7.25]), b: tf.tensor1d([1e-30]) };
    const clipped = clipByGlobalNorm(g, globalNorm(g), 100);
    for (const name of ['a', 'b'] as const) {
      expect(await clipped[name]!.data()).toEqual(await g[name]!.data());
    }
  });

  it('scales gradients over the threshold down to the threshold, keeping their direction', async () => {
    const g = grads();
    const clipped = clipByGlobalNorm(g, globalNorm(g), 1);
    expect((await globalNorm(clipped).data())[0]).toBeCloseTo(1, 5);
    expect(Array.from(await clipped['a']!.data())).toEqual([
      expect.closeTo(3 / 13, 6),
      expect.closeTo(4 / 13, 6),
    ]);
    expect((await clipped['b']!.data())[0]).toBeCloseTo(12 / 13, 6);
  });
});

/** What trainStep did before it read the norm: tfjs's minimize() on the same batch. */
async function minimizeStep(session: TrainingSession): Promise<number> {
  const { model, config, dataset: data } = session;
  const batch = hostBatch(data, 'train', session.sampler.next(), config);
  const variables = model.variables.map((v) => v.variable);
  const cost = session.optimizer.minimize(
    () => batchLoss(model, config, batch),
    true,
    variables,
  ) as tf.Scalar;
  const loss = (await cost.data())[0]!;
  cost.dispose();
  return loss;
}

async function weights(session: TrainingSession): Promise<Float32Array[]> {
  return Promise.all(
    session.model.variables.map(async (v) => (await v.variable.data()) as Float32Array),
  );
}

describe('a step', () => {
  it("without clipping, is tfjs minimize()'s step bit for bit", async () => {
    const ours = TrainingSession.create(config, dataset);
    const reference = TrainingSession.create(config, dataset);
    for (let i = 0; i < 5; i++) {
      expect(await ours.trainStep()).toBe(await minimizeStep(reference));
    }
    expect(await weights(ours)).toEqual(await weights(reference));
    ours.dispose();
    reference.dispose();
  });

  it('records the gradient norm with the loss, and clipping changes the trajectory', async () => {
    const plain = TrainingSession.create(config, dataset);
    const clipped = TrainingSession.create({ ...config, clip: 0.05 }, dataset);
    for (let i = 0; i < 3; i++) {
      await plain.trainStep();
      await clipped.trainStep();
    }
    expect(plain.gradNorm.map(([step]) => step)).toEqual([1, 2, 3]);
    expect(plain.gradNorm.every(([, norm]) => norm > 0.05)).toBe(true);
    // Step 1 starts from the same weights: same loss and unclipped norm; later steps differ.
    expect(clipped.gradNorm[0]).toEqual(plain.gradNorm[0]);
    expect(clipped.train[2]![1]).not.toBe(plain.train[2]![1]);
    plain.dispose();
    clipped.dispose();
  });

  it('follows the schedule: the rate of each step is set on Adam before it', async () => {
    const warm = TrainingSession.create({ ...config, warmup: 4 }, dataset);
    const rates: number[] = [];
    for (let i = 0; i < 5; i++) {
      await warm.trainStep();
      rates.push(warm.lastStep!.lr);
    }
    expect(rates).toEqual([0.003 / 4, 0.003 / 2, (0.003 * 3) / 4, 0.003, 0.003]);
    warm.dispose();
  });
});

describe('adding many tensors', () => {
  // Large and small values in turn: a different grouping or order would round differently.
  const terms = (n: number) =>
    Array.from({ length: n }, (_, i) => tf.tensor1d([(i % 3 === 0 ? 1e8 : 1) * (i + 0.1), -i / 7]));

  it.each([1, 2, 7, 8, 13, 14, 40])(
    'sums %i tensors to addN’s bits in addN calls of at most ADD_N_MAX_INPUTS inputs',
    async (n) => {
      const ts = terms(n);
      const once = n === 1 ? ts[0]! : tf.addN(ts);
      const profile = await tf.profile(() => addMany(ts));
      const inputs = profile.kernels
        .filter((k) => k.name === 'AddN')
        .map((k) => k.inputShapes.length);
      expect(Math.max(0, ...inputs)).toBeLessThanOrEqual(ADD_N_MAX_INPUTS);
      expect(await tf.tidy(() => addMany(ts)).data()).toEqual(await once.data());
    },
  );
});
