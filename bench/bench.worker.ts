import { expose } from 'comlink';
import type { BenchApi, BenchRow, BenchSpec } from './bench-api';
import { runCorpusCase } from './suites/corpus';
import { runGptSnapshotCase } from './suites/gpt-snapshot';
import { runGptTrainingCase } from './suites/gpt-training';
import { runJobsCase } from './suites/jobs';
import { runShardTrainingCase } from './suites/shard-training';
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
      case 'gpt-training':
        return runGptTrainingCase(spec);
      case 'gpt-snapshot':
        return runGptSnapshotCase(spec);
      case 'corpus':
        return runCorpusCase(spec);
      case 'shards':
        return runShardTrainingCase(spec);
    }
  },
};

expose(api);
