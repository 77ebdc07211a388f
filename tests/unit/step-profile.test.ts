import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementCount, modelSpec } from '../../src/shared/model-spec';
import { GPT_NANO, gptNanoDataset } from '../../workers/training/profile/gpt-nano';
import { useClock } from '../../workers/training/profile/clock';
import { profileKernels, totalsByOp } from '../../workers/training/profile/kernel-profile';
import { measureOpOverhead } from '../../workers/training/profile/op-overhead';
import { formatProfile } from '../../workers/training/profile/profile-table';
import { STEP_PHASES, profileTrainingSteps } from '../../workers/training/profile/step-profile';
import { TrainingSession } from '../../workers/training/session';
import names from '../../workers/training/names.txt?raw';
import { useCpuBackend } from './tf-setup';
import { bytesOf, dataset, snapshotOf, tinyTransformer, train } from './training-fixtures';

beforeAll(useCpuBackend);

describe('profileKernels', () => {
  it('counts every kernel once, in the phase marked before it, with its input shapes', async () => {
    const a = tf.ones([2, 3]);
    const b = tf.ones([3, 4]);
    const profile = await profileKernels('first', async (mark) => {
      tf.tidy(() => {
        tf.matMul(a, b);
        mark('second');
        tf.add(a, a);
        tf.add(a, a);
        tf.logSoftmax(a);
      });
    });
    const rows = new Map(profile.rows.map((r) => [`${r.phase} ${r.op} ${r.inputShapes}`, r]));
    expect(rows.get('first BatchMatMul 2x3 3x4')?.calls).toBe(1);
    expect(rows.get('second Add 2x3 2x3')?.calls).toBe(2);
    expect(profile.phases.map((p) => p.phase)).toEqual(['first', 'second']);
    expect(profile.rows.reduce((n, r) => n + r.calls, 0)).toBe(profile.kernelCalls);
    // logSoftmax is a customGrad scope: its inner kernels are rows, the scope itself is not.
    expect(profile.scopes.some((s) => s.startsWith('logSoftmax'))).toBe(true);
    expect(profile.rows.some((r) => r.op === 'Exp')).toBe(true);
    const byOp = totalsByOp(profile.rows);
    expect(byOp.find((r) => r.op === 'Add')?.calls).toBe(2);
    expect(byOp.reduce((ms, r) => ms + r.totalMs, 0)).toBeCloseTo(profile.kernelMs, 6);
    a.dispose();
    b.dispose();
  });

  it("times kernels on the profile's clock, and gives the backend its timer back", async () => {
    let ticks = 0;
    useClock(() => ticks++, 'a counter');
    try {
      const x = tf.ones([3]);
      const profile = await profileKernels('all', async () =>
        tf.dispose([tf.add(x, x), tf.neg(x)]),
      );
      // Each kernel reads the clock twice: once before, once after, so it took one tick.
      expect(profile.rows.map((r) => r.totalMs)).toEqual([1, 1]);
      expect(profile.clock).toBe('a counter');
      expect(Object.hasOwn(tf.backend(), 'time')).toBe(false);
      x.dispose();
    } finally {
      useClock(() => performance.now(), 'wall time');
    }
  });
});

describe('profileTrainingSteps', () => {
  it('splits a step into forward, backward and optimizer without changing it', async () => {
    const profiled = TrainingSession.create(tinyTransformer, dataset);
    const plain = TrainingSession.create(tinyTransformer, dataset);
    await train(profiled, 1);
    const profile = await profileTrainingSteps(profiled, 2);
    await train(plain, 3);

    expect(profile.phases.map((p) => p.phase)).toEqual([...STEP_PHASES]);
    const ops = (phase: string) =>
      new Set(profile.rows.filter((r) => r.phase === phase).map((r) => r.op));
    expect(ops('forward')).toContain('Softmax');
    expect(ops('backward')).toContain('BatchMatMul');
    expect(ops('optimizer')).toContain('Sqrt'); // Adam's √v̂ and the global norm
    // Two steps profiled: the counts are per step, so each row's calls are whole steps' halves.
    const calls = profile.rows.reduce((n, r) => n + r.calls, 0);
    expect(calls).toBeCloseTo(profile.kernelCalls, 9);
    expect(Number.isInteger(profile.kernelCalls * 2)).toBe(true);
    expect(formatProfile(profile)).toContain('forward BatchMatMul');

    expect(profiled.step).toBe(3);
    expect(Object.hasOwn(profiled.optimizer, 'computeGradients')).toBe(false);
    const [a, b] = [await snapshotOf(profiled), await snapshotOf(plain)];
    for (const [name, bytes] of bytesOf(b.tensors)) {
      expect(bytesOf(a.tensors).get(name), name).toEqual(bytes);
    }
    profiled.dispose();
    plain.dispose();
  });
});

describe('gpt-nano shape', () => {
  it('is the gpt-nano preset: 256 byte tokens, 1,024 tokens a step, 366,432 parameters', () => {
    const data = gptNanoDataset(names);
    expect(GPT_NANO.model).toBe('gpt');
    expect(data.tokenizer.vocabSize).toBe(256);
    expect(GPT_NANO.batch * GPT_NANO.context).toBe(1024);
    const params = modelSpec(GPT_NANO, 256).reduce((n, v) => n + elementCount(v.shape), 0);
    expect(params).toBe(366_432);
  });
});

describe('measureOpOverhead', () => {
  it('times an Add through the op, the engine and the kernel alone', () => {
    const before = tf.backend().numDataIds();
    const rows = measureOpOverhead([4, 4], 50);
    expect(rows.map((r) => r.path)).toEqual(['tf.add', 'engine.runKernel', 'kernelFunc']);
    for (const row of rows) expect(row.usPerCall).toBeGreaterThan(0);
    expect(tf.backend().numDataIds()).toBe(before);
  });
});
