import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { decays, modelSpec } from '../../src/shared/model-spec';
import { createAdam } from '../../workers/training/adam-state';
import { applyWeightDecay } from '../../workers/training/adamw';
import { dropoutMasks } from '../../workers/training/dropout';
import { dropoutSites } from '../../workers/training/models/gpt';
import { TrainingSession } from '../../workers/training/session';
import { MICRO_GPT_SIZE, TINY_GPT, proseOf } from './gpt-fixtures';
import { useCpuBackend } from './tf-setup';
import { expectExactResume, snapshotOf, train } from './training-fixtures';

beforeAll(useCpuBackend);

/** Smaller than TINY_GPT: the CPU backend's exactness checks take a few seconds. */
const MICRO: RunConfig = validateConfig({
  ...TINY_GPT,
  ...MICRO_GPT_SIZE,
});

describe('the gpt model', () => {
  it('has nanoGPT’s shape: tied output, no head, logits for every position', () => {
    const data = proseOf(MICRO);
    const session = TrainingSession.create(MICRO, data);
    const names = session.model.variables.map((v) => v.name);
    expect(names[0]).toBe('tok_emb');
    expect(names).not.toContain('head/kernel');
    expect(names.at(-1)).toBe('ln_f/beta');
    const x = tf.zeros([3, 16], 'int32') as tf.Tensor2D;
    const logits = session.model.logits(x);
    expect(logits.shape).toEqual([3, 16, 256]);
    // A shorter prefix works too (sampling grows its window): positions are sliced.
    const short = session.model.nextLogits(tf.zeros([3, 5], 'int32') as tf.Tensor2D);
    expect(short.shape).toEqual([3, 256]);
    tf.dispose([x, logits, short]);
    session.dispose();
    const untied = modelSpec({ ...MICRO, tie: 0 }, 256);
    expect(untied.at(-1)).toMatchObject({ name: 'head/kernel', shape: [16, 256] });
  });

  it('starts from N(0, 0.02), residual projections from N(0, 0.02/√(2·layers))', async () => {
    const config = validateConfig({ ...MICRO, embed: 64, width: 256, layers: 4, heads: 4 });
    const session = TrainingSession.create(config, proseOf(config));
    const std = async (name: string) => {
      const v = session.model.variables.find((n) => n.name === name)!.variable;
      return Math.sqrt((await tf.moments(v).variance.data())[0]!);
    };
    expect(await std('tok_emb')).toBeCloseTo(0.02, 3);
    expect(await std('block1/mlp/fc/kernel')).toBeCloseTo(0.02, 3);
    expect(await std('block1/attn/proj/kernel')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(await std('block1/mlp/proj/kernel')).toBeCloseTo(0.02 / Math.sqrt(8), 3);
    expect(Array.from(await session.model.variables[2]!.variable.data())).toEqual(
      new Array(64).fill(1),
    ); // block0/ln1/gamma
    session.dispose();
  });

  it('learns with the loss over every position: 15 steps lower it', async () => {
    const config = { ...MICRO, warmup: 0 };
    const session = TrainingSession.create(config, proseOf(config));
    const losses = await train(session, 15);
    expect(losses[0]).toBeGreaterThan(Math.log(256) - 0.3);
    expect(Math.min(...losses.slice(-3))).toBeLessThan(losses[0]! - 0.5);
    session.dispose();
  });
});

describe('prose samples', () => {
  it('continue a document for 64 tokens, a pure function of the weights, seed and step', async () => {
    const session = TrainingSession.create(MICRO, proseOf(MICRO));
    const a = await session.sample(2);
    expect(await session.sample(2)).toEqual(a);
    expect(a).toHaveLength(2);
    // Byte tokens decode to at most one character per byte (U+FFFD where they are not UTF-8).
    for (const text of a) expect([...text].length).toBeLessThanOrEqual(64);
    expect(a.join('').length).toBeGreaterThan(0);
    session.dispose();
  });
});

describe('dropout', () => {
  it('draws each batch’s masks from (seed, batch number): the same masks for the same batch', () => {
    const a = dropoutMasks(5, 9, 0.25, 3, 4000);
    expect(dropoutMasks(5, 9, 0.25, 3, 4000)).toEqual(a);
    expect(dropoutMasks(5, 10, 0.25, 3, 4000)[0]).not.toEqual(a[0]);
    const all = a.flatMap((m) => Array.from(m));
    const kept = all.filter((v) => v !== 0);
    expect(kept.every((v) => v === Math.fround(1 / 0.75))).toBe(true);
    expect(Math.abs(kept.length / all.length - 0.75)).toBeLessThan(0.02);
    expect(dropoutSites(MICRO)).toBe(5);
  });

  it('changes the step it is on in, and leaves evaluation alone', async () => {
    const data = proseOf(MICRO);
    const off = TrainingSession.create(MICRO, data);
    const on = TrainingSession.create({ ...MICRO, dropout: 0.2 }, data);
    expect((await on.evaluate()).loss).toBe((await off.evaluate()).loss);
    expect(await on.trainStep()).not.toBe(await off.trainStep());
    off.dispose();
    on.dispose();
  });

  it('resumes from a snapshot exactly as the uninterrupted run, dropout on (CPU)', () =>
    expectExactResume({ ...MICRO, dropout: 0.1 }, proseOf(MICRO)));
});

describe('AdamW', () => {
  it('is torch.optim.AdamW: p·(1 − lr·wd), then the Adam step, on matrices only', async () => {
    const [lr, wd, beta1, beta2, eps] = [0.01, 0.1, 0.9, 0.95, 1e-7];
    const matrix = tf.variable(tf.tensor2d([[0.5, -1.5]]), true, 'adamw-matrix');
    const bias = tf.variable(tf.tensor1d([0.5, -1.5]), true, 'adamw-bias');
    const adam = createAdam(lr, { beta1, beta2, weightDecay: wd });
    const grads = [
      [0.2, -0.4],
      [-0.1, 0.3],
    ];
    for (const g of grads) {
      applyWeightDecay([matrix, bias], lr, wd);
      // As trainStep hands it: the gradients by variable name (the type asks for variables).
      const named = { 'adamw-matrix': tf.tensor2d([g]), 'adamw-bias': tf.tensor1d(g) };
      adam.applyGradients(named as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    }
    // By hand, in float64, as torch.optim.AdamW writes it.
    const byHand = (p0: number, decay: boolean, i: number) => {
      let [p, m, v] = [p0, 0, 0];
      grads.forEach((gs, t) => {
        const g = gs[i]!;
        if (decay) p *= 1 - lr * wd;
        m = beta1 * m + (1 - beta1) * g;
        v = beta2 * v + (1 - beta2) * g * g;
        const mHat = m / (1 - beta1 ** (t + 1));
        const vHat = v / (1 - beta2 ** (t + 1));
        p -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
      return p;
    };
    const got = [...(await matrix.data()), ...(await bias.data())];
    const want = [
      byHand(0.5, true, 0),
      byHand(-1.5, true, 1),
      byHand(0.5, false, 0),
      byHand(-1.5, false, 1),
    ];
    got.forEach((value, i) => expect(Math.abs(value - want[i]!)).toBeLessThan(2e-7));
    // The decay itself moved the matrix: without it the values would be these.
    expect(Math.abs(got[0]! - byHand(0.5, false, 0))).toBeGreaterThan(1e-5);
    expect(decays(matrix)).toBe(true);
    expect(decays(bias)).toBe(false);
    tf.dispose([matrix, bias]);
    adam.dispose();
  });

  it('in a run, decays every matrix and embedding by lr·wd and no bias or layer norm', async () => {
    const config = { ...MICRO, warmup: 0, clip: 0, weightDecay: 0.1 };
    const data = proseOf(config);
    const plain = TrainingSession.create({ ...config, weightDecay: 0 }, data);
    const before = new Map(
      (await snapshotOf(plain)).tensors.map((t) => [t.name, new Float32Array(t.data)]),
    );
    const decayed = TrainingSession.create(config, data);
    await plain.trainStep();
    await decayed.trainStep();
    const a = (await snapshotOf(plain)).tensors;
    const b = (await snapshotOf(decayed)).tensors;
    const factor = Math.fround(1 - config.lr * config.weightDecay);
    for (const [i, t] of a.entries()) {
      if (!t.name.startsWith('model/')) continue;
      const x = new Float32Array(t.data);
      const y = new Float32Array(b[i]!.data);
      const w0 = before.get(t.name)!;
      if (t.shape.length < 2) {
        expect(y, t.name).toEqual(x);
        continue;
      }
      // decayed = w0·factor + update and plain = w0 + update, so their difference is −lr·wd·w0.
      let worst = 0;
      for (let k = 0; k < x.length; k++) {
        worst = Math.max(worst, Math.abs(y[k]! - x[k]! - (factor - 1) * w0[k]!));
      }
      expect(worst, t.name).toBeLessThan(1e-8);
      expect(y, t.name).not.toEqual(x);
    }
    expect(decayed.hostState().optimizer).toMatchObject({
      className: 'AdamW',
      config: { beta1: 0.9, beta2: 0.95, weightDecay: 0.1 },
    });
    plain.dispose();
    decayed.dispose();
  });
});
