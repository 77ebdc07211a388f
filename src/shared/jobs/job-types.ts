import type { SerializedError } from '../errors';
import type { TokensKind } from '../text-mode';

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
  /** 0: no top-k cut; else only the k most likely tokens are drawn. */
  readonly topK: number;
  /**
   * 1 (or absent, in jobs made before it existed): no nucleus cut; else the fewest likeliest
   * tokens whose probability reaches it are drawn.
   */
  readonly topP?: number;
  /** Tokens generated per item at most (a line model's end of line ends it earlier). */
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
  /** What a token of the run is (absent in jobs made before byte tokens: characters). */
  readonly tokens?: TokensKind;
  /** tokens=bpe: the run's tokenizer.json, so the job reads and shows text as the run did. */
  readonly tokenizer?: string;
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
  /** Score jobs: the bytes of text those predictions stand for (absent in older jobs). */
  readonly byteSum?: number;
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
  /**
   * Scores (score): total NLL in nats over `tokens` predictions (each character or byte, and a
   * line model's end of line), which stand for `bytes` bytes of UTF-8 text.
   */
  readonly nll?: number;
  readonly tokens?: number;
  /** Absent in items scored before bits per byte existed. */
  readonly bytes?: number;
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
  /** Mean NLL per token over the committed items (score jobs). */
  readonly meanNll: number | null;
  /** The same in bits per byte of the scored text, where the items say their bytes. */
  readonly bitsPerByte: number | null;
  /** What a token is: the mean NLL is per character, or per byte. */
  readonly tokens: TokensKind;
}

export type ResultsFormat = 'jsonl' | 'csv';
