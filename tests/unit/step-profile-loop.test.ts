import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import { CancelledError } from '../../src/shared/errors';
import type { StepProfile } from '../../workers/training/profile/step-profile-requests';
import { startGpuCount } from '../../workers/training/profile/gpu-work-counter';
import { formatStepProfile } from '../../workers/training/profile/profile-table';
import { loadDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import type { LoopSnapshots } from '../../workers/training/snapshot-port';
import { TrainingLoop, type LoopOptions } from '../../workers/training/training-loop';
import names from '../../workers/training/names.txt?raw';
import { fakeGpuScope } from './fake-gpu';
import { useCpuBackend } from './tf-setup';

beforeAll(useCpuBackend);

const config: RunConfig = { ...DEFAULT_CONFIG, embed: 8, width: 24, batch: 8, context: 3 };

/** Snapshots that never run: the loop alone is under test. */
const NO_SNAPSHOTS: LoopSnapshots = {
  busy: false,
  started: 0,
  setTraining: () => undefined,
  recordValLoss: () => undefined,
  atStepBoundary: () => undefined,
  request: () => new Promise(() => undefined),
  line: async () => [],
  load: () => Promise.reject(new Error('no snapshots here')),
  commitRewind: async () => null,
};

async function loopOf(steps: number, options: Partial<LoopOptions> = {}) {
  const dataset = await loadDataset('names', names, config);
  const session = TrainingSession.create(config, dataset.data);
  const loop = new TrainingLoop(session, NO_SNAPSHOTS, () => undefined, {
    valEvery: 0,
    sampleMs: Infinity,
    sampleCount: 0,
    shouldStop: () => session.step >= steps,
    ...options,
  });
  return { session, loop };
}

const weights = (s: TrainingSession) =>
  s.model.variables.map((v) => Array.from(v.variable.dataSync()));

describe('the ?debug=1 step profile', () => {
  it('profiles the loop’s next step op by op, and that step is a step of the run like any other', async () => {
    const plain = await loopOf(6);
    await plain.loop.done;
    const profiled = await loopOf(6);
    const { profile, gpu } = await profiled.loop.profileNextStep();
    await profiled.loop.done;

    expect(profile.backend).toBe('cpu');
    // Not WebGPU: no GPU work is counted, and the panel says so.
    expect(gpu).toBeNull();
    expect(formatStepProfile({ profile, gpu })).toMatch(/^GPU work: n\/a \(cpu;/);
    expect(profile.kernelCalls).toBeGreaterThan(10);
    expect(profile.phases.map((p) => p.phase)).toEqual(['forward', 'backward', 'optimizer']);
    expect(profile.phases.every((p) => p.calls > 0)).toBe(true);
    // The same run: every weight bit for bit after the same steps.
    expect(profiled.session.step).toBe(6);
    expect(weights(profiled.session)).toEqual(weights(plain.session));
    plain.session.dispose();
    profiled.session.dispose();
  });

  it('on a (fake) GPU, counts the dispatches and submits of the step before the profiled one, and only those', async () => {
    const { scope, work } = fakeGpuScope();
    const own = scope.GPUQueue.prototype.submit;
    const asked: Promise<StepProfile>[] = [];
    const plain = await loopOf(6);
    await plain.loop.done;
    const run = await loopOf(6, {
      countGpu: () => startGpuCount(scope),
      // Asked at step 2's boundary: step 3 is counted, step 4 profiled.
      beforeBoundary: async (step) => {
        if (step === 2) asked.push(run.loop.profileNextStep());
      },
    });
    // Every step asks the fake GPU for work of its own size: 10 × step dispatches, step submits.
    const trainStep = run.session.trainStep.bind(run.session);
    run.session.trainStep = async () => {
      const loss = await trainStep();
      work(10 * run.session.step, run.session.step);
      return loss;
    };
    await run.loop.done;
    const { profile, gpu } = await asked[0]!;

    expect(gpu).toEqual({ step: 3, dispatches: 30, passes: 1, submits: 3 });
    expect(profile.phases.map((p) => p.phase)).toEqual(['forward', 'backward', 'optimizer']);
    expect(formatStepProfile({ profile, gpu })).toMatch(
      /^GPU work of step 3 \(.*\): 30 dispatches, 3 queue submits, 1 compute passes\n/,
    );
    // The counter is off again, and the counted and profiled steps were steps of the run.
    expect(scope.GPUQueue.prototype.submit).toBe(own);
    expect(weights(run.session)).toEqual(weights(plain.session));
    plain.session.dispose();
    run.session.dispose();
  });

  it('on a (fake) GPU, a loop that stops after the counted step fails the profile by name, its counter off', async () => {
    const { scope, work } = fakeGpuScope();
    const own = scope.GPUQueue.prototype.submit;
    const asked: Promise<StepProfile>[] = [];
    const run = await loopOf(4, {
      countGpu: () => startGpuCount(scope),
      // Step 4, the last, is counted; the loop stops before the step it would profile.
      beforeBoundary: async (step) => {
        if (step === 3) asked.push(run.loop.profileNextStep());
      },
    });
    const trainStep = run.session.trainStep.bind(run.session);
    run.session.trainStep = async () => {
      const loss = await trainStep();
      work(1, 1);
      return loss;
    };
    await run.loop.done;
    await expect(asked[0]).rejects.toThrow(CancelledError);
    expect(run.session.step).toBe(4);
    expect(scope.GPUQueue.prototype.submit).toBe(own);
    run.session.dispose();
  });

  it('a profile asked for once the loop has stopped fails by name instead of waiting forever', async () => {
    const { loop, session } = await loopOf(0);
    const asked = loop.profileNextStep();
    await loop.done;
    await expect(asked).rejects.toThrow(CancelledError);
    session.dispose();
  });
});
