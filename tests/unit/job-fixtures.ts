import { DEFAULT_CONFIG, type RunConfig } from '../../src/shared/config';
import type { GenerateParams, JobRequest } from '../../src/shared/jobs/job-types';
import type { RunRecord, SnapshotManifest } from '../../src/shared/snapshot';
import { createJob } from '../../workers/jobs/job-create';
import { JobRunner, type RunnerOptions } from '../../workers/jobs/job-runner';
import { persistSnapshot } from '../../workers/snapshot/persist-snapshot';
import { JobStore, type SnapshotStore } from '../../workers/store';
import type { FaultHooks, TrainerDatabase } from '../../workers/store/testing';
import type { LinesDataset } from '../../workers/training/dataset';
import { loadDataset, type LoadedDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import { captureState } from '../../workers/training/state-capture';
import { freshStore } from './store-fixtures';

export const JOB_CONFIG: RunConfig = {
  ...DEFAULT_CONFIG,
  embed: 8,
  width: 24,
  batch: 8,
  context: 3,
  // Off, so that retention keeps exactly the newest snapshots, the pinned and the jobs' ones.
  guard: 0,
};
export const JOB_TEXT = Array.from(
  { length: 80 },
  (_, i) => `${'abcdefgh'[i % 8]}ana${'xyz'[i % 3]}${i % 5}`,
).join('\n');

export const PARAMS: GenerateParams = { temperature: 0.9, topK: 0, maxLength: 12, seed: 7 };

export interface JobWorld {
  readonly store: SnapshotStore;
  readonly raw: TrainerDatabase;
  readonly jobs: JobStore;
  readonly run: RunRecord;
  readonly session: TrainingSession;
  readonly dataset: LoadedDataset;
  readonly manifest: SnapshotManifest;
  /** A snapshot of the session's current state, committed as the run's newest. */
  snapshot(): Promise<SnapshotManifest>;
  runner(options?: RunnerOptions): JobRunner;
  create(request: Partial<JobRequest>): ReturnType<typeof createJob>;
}

let clock = 1_000;

/** A run trained a few steps and stored as the app stores it, plus a job store on it. */
export async function jobWorld(
  faults: FaultHooks = {},
  config: RunConfig = JOB_CONFIG,
  text: string = JOB_TEXT,
): Promise<JobWorld> {
  const { store, raw } = await freshStore(faults);
  const dataset = await loadDataset('words.txt', text, config);
  const run: RunRecord = {
    id: 'run1',
    name: 'run one',
    config,
    dataset: dataset.info,
    createdAt: 1,
    latestSnapshotId: null,
  };
  const session = TrainingSession.create(config, dataset.data);
  for (let i = 0; i < 6; i++) await session.trainStep();
  let write: Parameters<typeof persistSnapshot>[2]['write'] = {
    run,
    dataset: { id: dataset.info.id, name: 'words.txt', bytes: dataset.bytes },
    isNew: true,
  };
  let parentId: string | null = null;
  const snapshot = async () => {
    const ctx = {
      runId: run.id,
      config,
      dataset: dataset.info,
      backend: 'cpu' as const,
      keepLast: 2,
      write,
    };
    write = null;
    const { manifest } = await persistSnapshot(
      store,
      {
        state: captureState(session),
        trigger: 'manual',
        capturedAt: clock++,
        stallMs: 0,
        valLoss: null,
        parentId,
      },
      ctx,
    );
    parentId = manifest.id;
    return manifest;
  };
  const manifest = await snapshot();
  const jobs = new JobStore(store.gateway, () => clock++);
  return {
    store,
    raw,
    jobs,
    run,
    session,
    dataset,
    manifest,
    snapshot,
    runner: (options = {}) => new JobRunner(store, jobs, options),
    create: (request) =>
      createJob(
        store,
        jobs,
        {
          runId: run.id,
          snapshotId: null,
          kind: 'generate',
          input: { kind: 'samples', count: 40 },
          params: PARAMS,
          batchSize: null,
          ...request,
        },
        clock++,
      ),
  };
}

/** Every stored result row of a job, in index order, without the job id. */
export async function storedItems(world: JobWorld, jobId: string) {
  return world.jobs.results(jobId, 0, 1_000_000);
}

/** The world's text read as lines (the app's first mode), for tests of line runs alone. */
export function linesOf(world: JobWorld): LinesDataset {
  const { data } = world.dataset;
  if (data.kind !== 'lines') throw new Error('this test reads its text as lines');
  return data;
}
