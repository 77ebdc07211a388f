import { expose } from 'comlink';
import type { BenchApi, BenchRow, BenchSpec } from './bench-api';
import { runJobsCase } from './suites/jobs';
import { runSnapshotsCase } from './suites/snapshots';
import { runTrainingCase } from './suites/training';

// One case per worker: tfjs keeps the backend it was given, so the page starts a fresh worker
// for every spec.
const api: BenchApi = {
  run(spec: BenchSpec): Promise<BenchRow> {
    switch (spec.suite) {
      case 'training':
        return runTrainingCase(spec);
      case 'snapshots':
        return runSnapshotsCase(spec);
      case 'jobs':
        return runJobsCase(spec);
    }
  },
};

expose(api);
