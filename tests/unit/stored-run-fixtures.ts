import { expect } from 'vitest';
import type { RunConfig } from '../../src/shared/config';
import type { RunRecord } from '../../src/shared/snapshot';
import { persistSnapshot } from '../../workers/snapshot/persist-snapshot';
import { loadDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { captureState } from '../../workers/training/state-capture';
import { freshStore } from './store-fixtures';

export interface StoredRunSpec {
  readonly config: RunConfig;
  readonly fileName: string;
  readonly text: string;
  readonly runName: string;
  readonly steps: number;
}

/**
 * A run trained `steps` steps on the CPU backend and stored as the app stores a new run: its
 * record, its text and its first snapshot in one commit, in a fresh store.
 */
export async function storedRun(spec: StoredRunSpec) {
  const { config, fileName, text, runName, steps } = spec;
  const { store } = await freshStore();
  const dataset = await loadDataset(fileName, text, config);
  const run: RunRecord = {
    id: 'src',
    name: runName,
    config,
    dataset: dataset.info,
    createdAt: 1,
    latestSnapshotId: null,
  };
  const session = TrainingSession.create(config, dataset.data);
  for (let i = 0; i < steps; i++) await session.trainStep();
  const write = {
    run,
    dataset: { id: dataset.info.id, name: fileName, bytes: dataset.bytes },
    isNew: true,
  };
  const { manifest } = await persistSnapshot(
    store,
    {
      state: captureState(session),
      trigger: 'manual',
      capturedAt: 0,
      stallMs: 0,
      valLoss: null,
      parentId: null,
    },
    { runId: run.id, config, dataset: dataset.info, backend: 'cpu', keepLast: 3, write },
  );
  return { store, dataset, run, session, manifest };
}

/** Both sessions train `steps` more steps with the same losses; both are disposed. */
export async function expectTrainsOnAlike(
  session: TrainingSession,
  resumed: TrainingSession,
  steps: number,
): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < steps; i++) {
    a.push(await session.trainStep());
    b.push(await resumed.trainStep());
  }
  expect(b).toEqual(a);
  session.dispose();
  resumed.dispose();
}
