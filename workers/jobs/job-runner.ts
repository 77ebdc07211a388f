import * as tf from '@tensorflow/tfjs';
import {
  JobInputMismatchError,
  JobNotFoundError,
  JobStorageError,
  errorText,
  serializeError,
  type SerializedError,
} from '../../src/shared/errors';
import { JOB_LIMITS } from '../../src/shared/jobs/job-limits';
import type { JobItem, JobRecord, JobState } from '../../src/shared/jobs/job-types';
import type { JobStore, SnapshotStore } from '../store';
import { withLegacyKeys } from '../../src/shared/config';
import type { CharModel } from '../training/models';
import { textCodec, type TextCodec } from '../training/text-codec';
import { runBpe } from '../training/bpe/run-tokenizer';
import { yieldToEventLoop } from '../training/yield';
import { linesHash } from './job-create';
import { loadJobModel } from './job-model';
import { generateItems } from './generate-items';
import { scoreLines } from './score-lines';

/** A batch is sized to take about this long: a kill loses at most about this much work, and a
 * commit (one strict-durability transaction writing one record: 4–6 ms median measured on a
 * 2-core VM) costs under 1% of it. */
const TARGET_BATCH_MS = 1000;
/**
 * A timed job's batches grow from this size, doubling (the batch at cursor c holds c + RAMP_START
 * items), until one takes at least RAMP_ENOUGH_MS: that batch's time, with the fixed costs of a
 * batch amortised over many items, then fixes the size of every later one.
 */
export const RAMP_START = 8;
const RAMP_ENOUGH_MS = TARGET_BATCH_MS / 2;

/**
 * The size of a timed job's batch at `cursor` before its size is fixed: a function of the cursor
 * alone, so a job interrupted during its ramp resumes on the same boundaries.
 */
export function rampSize(cursor: number): number {
  return Math.min(JOB_LIMITS.maxBatch, cursor + RAMP_START);
}
/** After a refused write (a full disk), the batch is tried again this often. */
const STORAGE_RETRY_MS = 2000;

export interface RunnerOptions {
  /** Commit every batch (the app); false measures the work alone (the bench). */
  readonly commit?: boolean;
  /** A batch size overriding the job's own (tests, the bench). */
  readonly batchSize?: number;
  /** How long a refused write waits before it is tried again (tests shorten it). */
  readonly retryMs?: number;
  /**
   * Whether the device the jobs compute on is gone (a lost GPU). A batch that fails then is not
   * the job's failure: the job stays running and continues in the restarted worker.
   */
  readonly deviceLost?: () => Promise<boolean>;
}

interface Live {
  stop: boolean;
  warning: SerializedError | null;
  wake: () => void;
  readonly done: Promise<JobState>;
}

/**
 * A write the browser refused or cut short (a full disk, an exhausted quota, a connection
 * closed under the transaction): the batch waits and is tried again, which the cursor check
 * makes safe.
 */
const STORAGE_FAULTS = new Set([
  'UnknownError',
  'QuotaExceededError',
  'StorageClosedError',
  'AbortError',
  'TransactionInactiveError',
  'InvalidStateError',
]);

/** The batch size that takes about TARGET_BATCH_MS, from `items` that took `ms`. */
export function timedBatchSize(items: number, ms: number): number {
  const size = Math.round((items * TARGET_BATCH_MS) / Math.max(ms, 1));
  return Math.max(1, Math.min(JOB_LIMITS.maxBatch, size));
}

/** One forward pass of RAMP_START rows, so that a backend compiles its kernels untimed. */
async function warmUp(model: CharModel): Promise<void> {
  const shape: [number, number] = [RAMP_START, model.config.context];
  const logits = tf.tidy(() => model.nextLogits(tf.zeros(shape, 'int32')));
  await logits.data();
  logits.dispose();
}

function isStorageFault(err: unknown): boolean {
  return STORAGE_FAULTS.has(String((err as { name?: unknown } | null)?.name));
}

/**
 * Runs jobs in this worker, each from its stored cursor to its end or until stopped, one batch
 * at a time: compute the batch's items, commit them with the cursor in one transaction, yield.
 * Between batches the event loop runs, so training steps and the page's calls interleave.
 */
export class JobRunner {
  private readonly live = new Map<string, Live>();

  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly jobs: JobStore,
    private readonly options: RunnerOptions = {},
  ) {}

  /** Runs the job until it is done, paused, failed or stopped; one run per job at a time. */
  run(jobId: string): Promise<JobState> {
    const existing = this.live.get(jobId);
    if (existing !== undefined) return existing.done;
    const live = { stop: false, warning: null, wake: () => undefined } as unknown as Live;
    const done = this.loop(jobId, live).finally(() => this.live.delete(jobId));
    (live as { done: Promise<JobState> }).done = done;
    this.live.set(jobId, live);
    return done;
  }

  /** Stops the job's loop at its next batch boundary (its uncommitted batch is dropped). */
  stop(jobId: string): void {
    const live = this.live.get(jobId);
    if (live === undefined) return;
    live.stop = true;
    live.wake();
  }

  /** Why a job this worker runs is waiting (a full disk), if it is. */
  warning(jobId: string): SerializedError | null {
    return this.live.get(jobId)?.warning ?? null;
  }

  isRunning(jobId: string): boolean {
    return this.live.has(jobId);
  }

  private async loop(jobId: string, live: Live): Promise<JobState> {
    const job = await this.jobs.get(jobId);
    if (job === undefined) throw new JobNotFoundError(jobId);
    if (job.state !== 'running') return job.state;
    let model: CharModel;
    let lines: readonly string[] | null;
    try {
      lines = await this.checkedInput(job);
      model = await loadJobModel(this.snapshots, job);
    } catch (err) {
      return (await this.jobs.setState(jobId, 'error', serializeError(err))).state;
    }
    try {
      // A batch's time fixes a timed job's batch size: not with kernels to compile.
      if ((this.options.batchSize ?? job.batchSize ?? null) === null) await warmUp(model);
      return await this.batches(job, model, lines, live);
    } catch (err) {
      // Deleted while it ran: nothing is left to record the failure in.
      if ((err as { name?: unknown } | null)?.name === 'JobNotFoundError') return 'cancelled';
      // The GPU went away under the batch: the job stays running, from its committed cursor.
      if ((await this.options.deviceLost?.()) === true) return 'running';
      return (await this.jobs.setState(jobId, 'error', serializeError(err))).state;
    } finally {
      model.dispose();
    }
  }

  private async checkedInput(job: JobRecord): Promise<readonly string[] | null> {
    const { manifest } = job;
    if (manifest.inputKind === 'samples') return null;
    const lines = (await this.jobs.input(job.id)) ?? [];
    const found = await linesHash(lines);
    if (found !== manifest.inputSha256 || lines.length !== manifest.itemCount) {
      throw new JobInputMismatchError(job.id, manifest.inputName, manifest.inputSha256, found);
    }
    return lines;
  }

  private async batches(
    start: JobRecord,
    model: CharModel,
    lines: readonly string[] | null,
    live: Live,
  ): Promise<JobState> {
    const { manifest } = start;
    const config = withLegacyKeys(model.config);
    const bpe = runBpe(config, { name: manifest.inputName, tokenizer: manifest.tokenizer });
    const codec = textCodec(config, [...manifest.vocab], bpe);
    let cursor = start.cursor;
    // Fixed for the job's life (see JobRecord.batchSize); a timed job ramps up, then fixes it
    // with a commit, so after any interruption the batches fall on the same item boundaries.
    let fixed = this.options.batchSize ?? start.batchSize ?? null;
    while (cursor < manifest.itemCount && !live.stop) {
      const size = fixed ?? rampSize(cursor);
      const end = Math.min(cursor + size, manifest.itemCount);
      const indices = Array.from({ length: end - cursor }, (_, i) => cursor + i);
      const began = performance.now();
      const items = await this.compute(
        manifest.kind,
        model,
        codec,
        manifest.params,
        indices,
        lines,
      );
      const ms = performance.now() - began;
      // A ramp batch long enough to time fixes the size; the commit writes it with the batch.
      const long = ms >= RAMP_ENOUGH_MS || size >= JOB_LIMITS.maxBatch;
      const found = fixed === null && long ? timedBatchSize(items.length, ms) : null;
      if (live.stop) break;
      if (this.options.commit === false) {
        cursor = end;
        fixed ??= found;
      } else {
        const outcome = await this.commitPatiently(start, cursor, items, found, live);
        if (outcome === null) break;
        if (outcome.kind !== 'committed') return outcome.job.state;
        cursor = outcome.job.cursor;
        fixed = this.options.batchSize ?? outcome.job.batchSize ?? null;
        if (outcome.job.state !== 'running') return outcome.job.state;
      }
      await yieldToEventLoop();
    }
    if (this.options.commit === false) return 'done';
    return (await this.jobs.get(start.id))?.state ?? 'cancelled';
  }

  private compute(
    kind: JobRecord['manifest']['kind'],
    model: CharModel,
    codec: TextCodec,
    params: JobRecord['manifest']['params'],
    indices: number[],
    lines: readonly string[] | null,
  ): Promise<JobItem[]> {
    if (kind === 'score') {
      return scoreLines(
        model,
        codec,
        indices,
        indices.map((i) => lines![i]!),
      );
    }
    const prompts = indices.map((i) => (lines === null ? null : lines[i]!));
    return generateItems(model, codec, params!, indices, prompts);
  }

  /** Commits a batch; a refused write (full disk) waits and tries again until stopped. */
  private async commitPatiently(
    job: JobRecord,
    from: number,
    items: JobItem[],
    batchSize: number | null,
    live: Live,
  ) {
    for (;;) {
      try {
        const outcome = await this.jobs.commit(job.id, from, items, batchSize);
        live.warning = null;
        return outcome;
      } catch (err) {
        if (!isStorageFault(err)) throw err;
        const detail = errorText(err);
        live.warning = serializeError(new JobStorageError(from, job.manifest.itemCount, detail));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.retryMs ?? STORAGE_RETRY_MS);
          live.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (live.stop) return null;
      }
    }
  }
}
