import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/shared/config';
import {
  installCpuKernels,
  removeCpuKernels,
} from '../../workers/training/kernels/cpu/install-cpu-kernels';
import { TP } from '../../workers/training/ops/kernel-names';
import { profileTrainingSteps } from '../../workers/training/profile/step-profile';
import { TrainingSession } from '../../workers/training/session';
import { TINY_GPT, proseOf } from './gpt-fixtures';
import { useCpuKernelsInThisFile } from './cpu-kernel-fixtures';
import { expectExactResume } from './training-fixtures';
import { bytesOf, snapshotOf, train } from './training-fixtures';

// gpt trained on the CPU backend with the trainer's JavaScript kernels, as the app installs
// them there (backend.ts): exact resume, same-seed equality, every Tp kernel in the step, and
// the losses of the composites (the golden vectors' path) up to float rounding.
useCpuKernelsInThisFile();

const CONFIG = validateConfig({ ...TINY_GPT, dropout: 0.1 });

describe('gpt on the cpu backend’s trainer kernels (tied head, AdamW, dropout)', () => {
  it('resumes from a snapshot exactly as the uninterrupted run', () =>
    expectExactResume(CONFIG, proseOf(CONFIG)));

  it('two runs of one seed are equal bit for bit, and another seed differs', async () => {
    const ends = [];
    for (const seed of [CONFIG.seed, CONFIG.seed, CONFIG.seed + 1]) {
      const config = validateConfig({ ...CONFIG, seed });
      const session = TrainingSession.create(config, proseOf(config));
      const losses = await train(session, 6);
      ends.push({ losses, tensors: bytesOf((await snapshotOf(session)).tensors) });
      session.dispose();
    }
    const [a, b, other] = ends as [(typeof ends)[0], (typeof ends)[0], (typeof ends)[0]];
    expect(b.losses).toEqual(a.losses);
    for (const [name, bytes] of a.tensors) expect(b.tensors.get(name), name).toEqual(bytes);
    expect(other.losses).not.toEqual(a.losses);
  });

  it('runs every Tp kernel in a step', async () => {
    const session = TrainingSession.create(CONFIG, proseOf(CONFIG));
    const profile = await profileTrainingSteps(session, 1);
    const ours = new Set(profile.rows.filter((r) => r.op.startsWith('Tp')).map((r) => r.op));
    expect([...ours].sort()).toEqual(Object.values(TP).sort());
    session.dispose();
  });

  it('trains to the composites’ losses up to float rounding', async () => {
    const losses: number[][] = [];
    for (const kernels of [false, true]) {
      if (kernels) installCpuKernels();
      else removeCpuKernels();
      const session = TrainingSession.create(CONFIG, proseOf(CONFIG));
      losses.push(await train(session, 12));
      losses.at(-1)!.push((await session.evaluate()).loss);
      session.dispose();
    }
    const [theirs, ours] = losses as [number[], number[]];
    expect(theirs.at(-1)!).toBeLessThan(theirs[0]! - 0.5);
    for (const [i, loss] of ours.entries()) {
      expect(loss, `step ${i + 1}`).toBeCloseTo(theirs[i]!, 3);
    }
    expect(tf.getBackend()).toBe('cpu');
  });
});
