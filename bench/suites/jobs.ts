import { deleteDB } from 'idb';
import { DEFAULT_CONFIG, validateConfig, type RunConfig } from '../../src/shared/config';
import type { JobItem, JobRecord, JobRequest } from '../../src/shared/jobs/job-types';
import { elementCount, modelSpec } from '../../src/shared/model-spec';
import {
  JobRunner,
  JobStore,
  SnapshotStore,
  TrainingSession,
  bundledDataset,
  captureState,
  createJob,
  newRunRecord,
  persistSnapshot,
  resultsFile,
  selectBackend,
} from '../../workers/bench-surface';
import type { JobsCase, JobsRow } from '../bench-api';
import { measureHeap, setHeapPhase } from './heap-phases';
import { epochNow, median, messageOf, progress, round } from './stats';

/** The bench's own database, deleted before and after: never the app's `tab-trainer`. */
const DB_NAME = 'bench-jobs';
const HEAP_BASELINE_MS = 1500;

/** Times every batch commit; otherwise the app's job store. */
class TimedJobStore extends JobStore {
  readonly commitMs: number[] = [];
  override async commit(
    jobId: string,
    from: number,
    items: readonly JobItem[],
    batchSize: number | null = null,
  ) {
    const started = performance.now();
    try {
      return await super.commit(jobId, from, items, batchSize);
    } finally {
      this.commitMs.push(performance.now() - started);
    }
  }
}

export function emptyJobsRow(spec: JobsCase): JobsRow {
  return {
    size: spec.size,
    backend: spec.backend,
    status: 'error',
    reason: null,
    config: null,
    params: null,
    generate_items: spec.generateItems,
    generate_items_per_s_no_commit: null,
    generate_items_per_s: null,
    batch_size: null,
    commit_ratio: null,
    score_items: 0,
    score_items_per_s: null,
    commits: null,
    commit_ms_median: null,
    commit_ms_max: null,
    download_items: spec.downloadItems,
    download_bytes: null,
    download_ms: null,
    heap_window: null,
    retained_window: null,
    retained_after_gc_bytes: null,
    peak_js_heap_bytes: null,
    peak_heap_used_bytes: null,
    peak_backing_store_bytes: null,
    heap_baseline_bytes: null,
    heap_samples: null,
  };
}

/**
 * One model size on one forced backend: generation items/s without and with the per-batch
 * commits (the app's runner, timed batches), commit latency, scoring items/s on the validation
 * lines, and a 100,000-item results download while the runner samples the worker's heap.
 */
export async function runJobsCase(spec: JobsCase): Promise<JobsRow> {
  let row = emptyJobsRow(spec);
  try {
    const config = validateConfig({ ...DEFAULT_CONFIG, ...spec.config, steps: 0 });
    await selectBackend(spec.backend);
    await deleteDB(DB_NAME);
    const store = await SnapshotStore.open({ name: DB_NAME, mirror: null });
    try {
      row = { ...row, config };
      return { ...row, ...(await measure(spec, config, store)), status: 'ok' };
    } finally {
      store.close();
      await deleteDB(DB_NAME);
    }
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  } finally {
    await setHeapPhase('done');
  }
}

async function measure(
  spec: JobsCase,
  config: RunConfig,
  store: SnapshotStore,
): Promise<Partial<JobsRow>> {
  const dataset = await bundledDataset();
  const run = newRunRecord(config, dataset);
  const session = TrainingSession.create(config, dataset.data);
  for (let i = 0; i < spec.trainSteps; i++) await session.trainStep();
  await persistSnapshot(
    store,
    {
      state: captureState(session),
      trigger: 'manual',
      capturedAt: 0,
      stallMs: 0,
      valLoss: null,
      parentId: null,
    },
    {
      runId: run.id,
      config,
      dataset: dataset.info,
      backend: spec.backend,
      keepLast: 3,
      write: {
        run,
        dataset: { id: dataset.info.id, name: dataset.info.name, bytes: dataset.bytes },
        isNew: true,
      },
    },
  );
  session.dispose();
  const params = modelSpec(config, dataset.data.vocab.length)
    .map((v) => elementCount(v.shape))
    .reduce((a, b) => a + b, 0);
  const jobs = new TimedJobStore(store.gateway);
  const request: JobRequest = {
    runId: run.id,
    snapshotId: null,
    kind: 'generate',
    input: { kind: 'samples', count: spec.generateItems },
    params: { temperature: 1, topK: 0, maxLength: spec.maxLength, seed: 1 },
    batchSize: null,
  };
  const timed = async (commit: boolean, req: JobRequest) => {
    const job = await createJob(store, jobs, req, Date.now());
    const started = performance.now();
    await new JobRunner(store, jobs, { commit }).run(job.id);
    return { job, ms: performance.now() - started };
  };
  // A job as the app runs it fixes its batch size from its first batch's time; the rounds then
  // use that size with and without commits, so both sides compute the same batches.
  const probe = await timed(true, request);
  const batchSize = (await jobs.get(probe.job.id))?.batchSize ?? null;
  progress(`batch size fixed by time: ${batchSize}`);
  const fixed = { ...request, batchSize };
  jobs.commitMs.length = 0;
  // Alternated, so drift in the machine's speed falls on both sides.
  const without: number[] = [];
  const withCommits: number[] = [];
  for (let r = 0; r < spec.rounds; r++) {
    without.push((await timed(false, fixed)).ms);
    withCommits.push((await timed(true, fixed)).ms);
    progress(`generate round ${r + 1}: ${round(without[r]!)} / ${round(withCommits[r]!)} ms`);
  }
  const commitMs = [...jobs.commitMs];
  const perS = (ms: number) => (spec.generateItems * 1000) / ms;
  const score = await timed(true, {
    ...request,
    kind: 'score',
    input: { kind: 'validation' },
    params: null,
  });
  progress(`score ${round(score.ms)} ms`);
  return {
    params,
    generate_items_per_s_no_commit: round(perS(median(without))),
    generate_items_per_s: round(perS(median(withCommits))),
    batch_size: batchSize,
    commit_ratio: round(median(without) / median(withCommits)),
    score_items: score.job.manifest.itemCount,
    score_items_per_s: round((score.job.manifest.itemCount * 1000) / score.ms),
    commits: commitMs.length,
    commit_ms_median: round(median(commitMs)),
    commit_ms_max: round(Math.max(...commitMs)),
    ...(spec.downloadItems > 0 ? await download(store, jobs, request, spec.downloadItems) : {}),
  };
}

/**
 * A job of `count` stored results (written directly, in large batches), then its JSON Lines
 * file built from storage while the runner samples the heap.
 */
async function download(
  store: SnapshotStore,
  jobs: JobStore,
  request: JobRequest,
  count: number,
): Promise<Partial<JobsRow>> {
  const job = await createJob(
    store,
    jobs,
    { ...request, input: { kind: 'samples', count } },
    Date.now(),
  );
  const chunk = 1000; // batch records as the app writes them (at most 1,024 items)
  for (let from = 0; from < count; from += chunk) {
    const items: JobItem[] = [];
    for (let i = from; i < Math.min(from + chunk, count); i++) {
      items.push({
        index: i,
        input: null,
        output: `sample ${i} ${'abcdefghij'.repeat(2)}`,
        error: null,
      });
    }
    await jobs.commit(job.id, from, items);
  }
  const stored = (await jobs.get(job.id)) as JobRecord;
  progress(`${count} results stored`);
  const { result, window } = await measureHeap(HEAP_BASELINE_MS, async () => {
    const started = performance.now();
    const file = await resultsFile(jobs, stored, 'jsonl');
    return { blob: file, download_ms: round(performance.now() - started) };
  });
  const { blob, download_ms } = result;
  // With the file still referenced, after a collection: what the download keeps, not its garbage.
  await setHeapPhase('retained-gc');
  const retainedStart = epochNow();
  await setHeapPhase('snapshot');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const retainedEnd = epochNow();
  await setHeapPhase('done');
  return {
    download_bytes: blob.size,
    download_ms,
    heap_window: window,
    retained_window: [retainedStart, retainedEnd],
  };
}
