import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import { CancelledError } from '../../src/shared/errors';
import { loadDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import type { LoopSnapshots } from '../../workers/training/snapshot-port';
import { TrainingLoop } from '../../workers/training/training-loop';
import names from '../../workers/training/names.txt?raw';
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

async function loopOf(steps: number) {
  const dataset = await loadDataset('names', names, config);
  const session = TrainingSession.create(config, dataset.data);
  const loop = new TrainingLoop(session, NO_SNAPSHOTS, () => undefined, {
    valEvery: 0,
    sampleMs: Infinity,
    sampleCount: 0,
    shouldStop: () => session.step >= steps,
  });
  return { session, loop };
}

describe('the ?debug=1 step profile', () => {
  it('profiles the loop’s next step op by op, and that step is a step of the run like any other', async () => {
    const plain = await loopOf(6);
    await plain.loop.done;
    const profiled = await loopOf(6);
    const profile = await profiled.loop.profileNextStep();
    await profiled.loop.done;

    expect(profile.backend).toBe('cpu');
    expect(profile.kernelCalls).toBeGreaterThan(10);
    expect(profile.phases.map((p) => p.phase)).toEqual(['forward', 'backward', 'optimizer']);
    expect(profile.phases.every((p) => p.calls > 0)).toBe(true);
    // The same run: every weight bit for bit after the same steps.
    expect(profiled.session.step).toBe(6);
    const weights = (s: TrainingSession) =>
      s.model.variables.map((v) => Array.from(v.variable.dataSync()));
    expect(weights(profiled.session)).toEqual(weights(plain.session));
    plain.session.dispose();
    profiled.session.dispose();
  });

  it('a profile asked for once the loop has stopped fails by name instead of waiting forever', async () => {
    const { loop, session } = await loopOf(0);
    const asked = loop.profileNextStep();
    await loop.done;
    await expect(asked).rejects.toThrow(CancelledError);
    session.dispose();
  });
});
