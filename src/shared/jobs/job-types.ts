import type { SerializedError } from '../errors';

/** What a job's items are: generated text, or the scores of given lines. */
export type JobKind = 'generate' | 'score';

/**
 * Where a job's items come from. `samples`: N samples from the start of a document; `prompts`:
 * one completion per line of a file; `text`: the lines of a user's file, scored; `validation`:
 * the run's own validation lines, scored.
 */
export type JobInputSpec =
  | { readonly kind: 'samples'; readonly count: number }
  | { readonly kind: 'prompts'; readonly name: string; readonly text: string }
  | { readonly kind: 'text'; readonly name: string; readonly text: string }
  | { readonly kind: 'validation' };

/** Sampling settings of a generation job; a scoring job has none. */
export interface GenerateParams {
  readonly temperature: number;
  /** 0: no top-k cut; else only the k most likely characters are drawn. */
  readonly topK: number;
  /** Characters generated per item at most (the end of a document ends it earlier). */
  readonly maxLength: number;
  /** uint32; each item's stream is derived from (seed, item index). */
  readonly seed: number;
}

export interface JobRequest {
  readonly runId: string;
  /** A snapshot of the run; null: the run's newest. */
  readonly snapshotId: string | null;
  readonly kind: JobKind;
  readonly input: JobInputSpec;
  /** Required for `generate`, ignored for `score`. */
  readonly params: GenerateParams | null;
  /** Items per batch, fixed for the job's life; null: sized by time. See JobRecord.batchSize. */
  readonly batchSize: number | null;
}

/** running: wanted to run (a tab runs it); paused by the user; done; error; cancelled. */
export type JobState = 'running' | 'paused' | 'done' | 'error' | 'cancelled';

/**
 * What a job's results depend on, fixed at creation and checked before every continuation: the
 * model (snapshot and the SHA-256 of every tensor used), the parameters and the input.
 */
export interface JobManifest {
  readonly kind: JobKind;
  readonly runId: string;
  readonly snapshotId: string;
  readonly snapshotStep: number;
  /** `model/<var>` → SHA-256 hex, of exactly the tensors the job reads. */
  readonly tensorSha256: Readonly<Record<string, string>>;
  readonly vocab: string;
  readonly params: GenerateParams | null;
  readonly inputKind: JobInputSpec['kind'];
  /** The input file's name, or a description of the input. */
  readonly inputName: string;
  /** SHA-256 hex of the input lines joined by '\n' ('' for samples). */
  readonly inputSha256: string;
  readonly itemCount: number;
}

/** A job as stored: its manifest, where it stands, and its bookkeeping (never in results). */
export interface JobRecord {
  readonly id: string;
  readonly runId: string;
  readonly snapshotId: string;
  readonly manifest: JobManifest;
  /** The next item index to compute: items [0, cursor) are committed. */
  readonly cursor: number;
  /**
   * Items per batch, fixed for the job's life: chosen by the user, or, for a timed job, fixed by
   * the commit of the first batch of its ramp (see job-runner.ts) that took long enough to time.
   * Batches therefore fall on the same item boundaries however often the job is interrupted, so
   * every batch is computed with the same shapes and an interrupted job gives the same bytes as
   * it would have uninterrupted, on backends whose rounding depends on the batch's shape
   * (WebGPU) too. Null until fixed; absent on jobs stored before it existed.
   */
  readonly batchSize?: number | null;
  readonly state: JobState;
  readonly error: SerializedError | null;
  /** Score jobs: the NLL and prediction count summed over items [0, cursor), in index order. */
  readonly nllSum: number;
  readonly tokenSum: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One item's result as stored and as written to the results file. */
export interface JobItem {
  readonly index: number;
  /** The prompt or scored line; null for a plain sample. */
  readonly input: string | null;
  /** Generated text (generate). */
  readonly output?: string;
  /** Scores (score): total NLL in nats over `tokens` characters (the end of line counts). */
  readonly nll?: number;
  readonly tokens?: number;
  readonly error: string | null;
}

/** What the jobs panel shows for one job. */
export interface JobSummary {
  readonly id: string;
  readonly runId: string;
  readonly kind: JobKind;
  readonly inputName: string;
  readonly snapshotStep: number;
  readonly state: JobState;
  readonly done: number;
  readonly total: number;
  readonly error: SerializedError | null;
  /** Set by the tab running it: why it waits (a full disk), shown as a warning. */
  readonly warning: SerializedError | null;
  readonly createdAt: number;
  /** Mean NLL per character over the committed items (score jobs). */
  readonly meanNll: number | null;
}

export type ResultsFormat = 'jsonl' | 'csv';
