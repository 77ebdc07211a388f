import type { BackendName, RunConfig, SnapshotIntervalInfo, SnapshotPolicy } from './config';
import type {
  CheckpointFile,
  ForkOptions,
  ForkSource,
  InspectedCheckpoint,
} from './checkpoint-api';
import type { CorpusFile, CorpusProgress } from './corpus-progress';
import type { CorpusSummary, CorpusTokenFile } from './corpus-summary';
import type { SerializedError } from './errors';
import type { JobRequest, JobState, JobSummary, ResultsFormat } from './jobs/job-types';
import type { SampleRequest, SampleSink, SampleStarted } from './sampling';
import type {
  GuardState,
  Metrics,
  RewindRecord,
  RunRecord,
  SkippedSnapshot,
  SnapshotSummary,
  SnapshotTrigger,
} from './snapshot';

export interface BackendReport {
  readonly backend: BackendName;
  /**
   * What runs and why: the backend's detail (adapter, renderer, SIMD and threads) and why the
   * backends ranked above it were passed over, e.g. "SIMD, 2 threads — WebGPU adapter is
   * SwiftShader, a software GPU" beside the name wasm. (The name is kept from when it held only
   * fallback reasons.)
   */
  readonly fallbackReason: string | null;
  /** Runs IndexedDB had lost and the boot restored from their second copy (OPFS). */
  readonly restored?: readonly RestoredRunReport[];
}

/** A run written back from its second copy at boot: the browser's database had lost it. */
export interface RestoredRunReport {
  readonly runId: string;
  readonly name: string;
  readonly step: number;
  /** When that snapshot was taken, ms since the epoch. */
  readonly at: number;
}

/**
 * A user's training file as the page sends it: its bytes, unread and undecoded (byte tokens
 * train on invalid UTF-8 as it is), in a buffer the page transfers to the worker, never copies.
 */
export interface UserDataset {
  readonly name: string;
  readonly bytes: ArrayBuffer;
}

/** A stored run made active at one of its snapshots: what the page needs to show it. */
export interface ResumeReport {
  readonly run: RunRecord;
  readonly snapshot: SnapshotSummary;
  /** The loss curve up to the snapshot, read once here rather than carried by every listing. */
  readonly metrics: Metrics;
  /**
   * A validation loss of this run (nats per token, as `metrics.val` holds them) times this is
   * bits per byte: its validation targets' tokens / (their bytes × ln 2). Not stored: it is a
   * constant of the run's text and config, as each `val` event's `bitsPerByte` is.
   */
  readonly bitsPerByteFactor: number;
  /** Tokens the run has trained on up to the snapshot (a function of its step and config). */
  readonly tokensSeen: number;
  /** The divergence guard's state at the snapshot: its rewinds (chart markers) and skip list. */
  readonly guard: GuardState;
  /** Newer snapshots that failed verification and were skipped, with the reason. */
  readonly skipped: readonly SkippedSnapshot[];
  /** The backend the run resumed on, and why (its snapshot's when still available). */
  readonly backend: BackendReport;
}

/** Where a paused run stands: its step, and the snapshot that now holds exactly that step. */
export interface PauseReport {
  readonly step: number;
  /** The snapshot of the paused state; null when saving it failed (the warning says why). */
  readonly snapshot: SnapshotSummary | null;
}

/** Why a training loop ended by itself (a pause ends it too, but the page asked for that). */
export type LoopEnd =
  { readonly reason: 'budget' } | { readonly reason: 'error'; readonly error: SerializedError };

/** Events the worker sends the page; a fast GPU's progress is throttled before sending. */
export type TrainerEvent =
  | {
      readonly type: 'progress';
      readonly step: number;
      readonly epoch: number;
      readonly loss: number;
      readonly stepsPerSec: number;
      /** Predictions trained on per second: tokens of every position (transformer, gpt). */
      readonly tokensPerSec: number;
      /** Tokens the run has trained on up to this step. */
      readonly tokensSeen: number;
      /** Every step's [step, loss] since the previous progress event, for the chart. */
      readonly losses: readonly (readonly [number, number])[];
    }
  | {
      readonly type: 'val';
      readonly step: number;
      /** Mean cross-entropy per validation token, in nats. */
      readonly loss: number;
      /**
       * The same in bits per byte of validation text, comparable across tokenizers: the loss ×
       * targets / (their bytes × ln 2).
       */
      readonly bitsPerByte: number;
    }
  | {
      readonly type: 'rewind';
      /** The rewind just made; the run now stands at rewind.toStep. */
      readonly rewind: RewindRecord;
      /** Rewinds the run has made in all. */
      readonly rewinds: number;
      /** The guard's learning-rate factor from now on. */
      readonly lrScale: number;
    }
  | { readonly type: 'sample'; readonly step: number; readonly samples: readonly string[] }
  | { readonly type: 'loop-ended'; readonly loopId: number; readonly end: LoopEnd }
  | {
      readonly type: 'snapshot-committed';
      readonly snapshot: SnapshotSummary;
      readonly stallMs: number;
      readonly persistMs: number;
      /** Set when the site's storage had been cleared and this snapshot wrote the run again. */
      readonly recovered?: SerializedError | null;
      /** The second copy's cost (ms, bytes), or why it failed; null where there is none. */
      readonly mirror?:
        { readonly ms: number; readonly bytes: number } | { readonly error: string } | null;
    }
  | { readonly type: 'snapshot-failed'; readonly error: SerializedError }
  | { readonly type: 'snapshot-interval'; readonly interval: SnapshotIntervalInfo }
  | { readonly type: 'device-lost'; readonly message: string }
  | { readonly type: 'corpus'; readonly progress: CorpusProgress };

export type EventSink = (event: TrainerEvent) => void;

/** `spike`: the next training step's loss and gradients become NaN, as a poisoned batch's. */
export type DebugFault = 'crash' | 'device-loss' | 'spike';

/**
 * The worker's whole surface. The page wraps it with comlink and never imports worker code.
 * Long calls take an `opId` chosen by the page; `cancel(opId)` aborts them (comlink cannot carry
 * an AbortSignal, so the page's signal is relayed through it), and a cancelled import writes
 * nothing.
 */
export interface TrainerApi {
  init(backend: BackendName | null, onEvent: EventSink): Promise<BackendReport>;
  /**
   * A CorpusFile (corpus=shards) is tokenized into shards first, sending `corpus` events;
   * `opId` lets cancel() stop that (the shards committed so far are kept).
   */
  newRun(
    config: RunConfig,
    dataset: UserDataset | CorpusFile | null,
    opId?: string,
  ): Promise<RunRecord>;
  /**
   * `corpusFile`: the same text again for a run whose token shards are gone (the refusal
   * without it is CorpusMissingError); `opId` as for newRun.
   */
  resumeRun(
    runId: string,
    snapshotId?: string,
    corpusFile?: CorpusFile,
    opId?: string,
  ): Promise<ResumeReport>;
  /** Starts the loop; resolves with its id, which its `loop-ended` event carries. */
  start(): Promise<number>;
  /** Stops the loop at a step boundary and commits a snapshot of that state if it is newer. */
  pause(): Promise<PauseReport>;
  snapshotNow(trigger: SnapshotTrigger): Promise<SnapshotSummary | null>;
  /**
   * A sample with a prompt from the run this worker holds, at its weights as they stand now:
   * resolves once the request is accepted (a bad prompt or setting is refused by name and
   * nothing starts); the text then streams to `onEvent` as it is decoded. One at a time: a new
   * sample stops the one before. Training goes on meanwhile and its trajectory is untouched.
   */
  sample(request: SampleRequest, onEvent: SampleSink): Promise<SampleStarted>;
  setSnapshotPolicy(policy: SnapshotPolicy): Promise<SnapshotIntervalInfo>;
  listRuns(): Promise<RunRecord[]>;
  listSnapshots(runId: string): Promise<SnapshotSummary[]>;
  /**
   * Deletes a stored run; if it is the active one, training stops first. Resolves with the
   * corpus it read when no stored run reads it any more (the page offers to delete it).
   */
  deleteRun(runId: string): Promise<CorpusSummary | null>;
  /** The corpora in the origin private file system, with their sizes and the runs reading them. */
  listCorpora(): Promise<CorpusSummary[]>;
  /** Refused (CorpusInUseError, CorpusBusyError) while a run has it open or it is tokenized. */
  deleteCorpus(address: string): Promise<void>;
  /**
   * A finished corpus's tokens as an llm.c token file (workers/corpus/token-file.ts): a Blob
   * referring to its shard files. Refused by name for an unfinished corpus
   * (CorpusIncompleteError) or one the format cannot hold (TokenFileUnsupportedError).
   */
  exportCorpusTokens(address: string): Promise<CorpusTokenFile>;
  pinSnapshot(snapshotId: string, pinned: boolean): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** The run's newest snapshot, or the given one, as a safetensors file. */
  exportCheckpoint(runId: string, snapshotId: string | null, opId: string): Promise<CheckpointFile>;
  /** Decodes and verifies a file without writing anything; throws the named refusal. */
  inspectCheckpoint(file: Blob, opId: string): Promise<InspectedCheckpoint>;
  /**
   * Stores an inspected file as a new run. `dataset` is the user's chosen text, for a
   * checkpoint trained on a file this browser has not seen.
   */
  importCheckpoint(token: string, dataset: UserDataset | null, opId: string): Promise<RunRecord>;
  /** A new run from a stored snapshot's or an inspected file's weights, with changed settings. */
  forkRun(
    source: ForkSource,
    options: ForkOptions,
    dataset: UserDataset | null,
  ): Promise<RunRecord>;
  /** Aborts the long call started with `opId`, if it is still running. */
  cancel(opId: string): Promise<void>;
  /** Retry pressed: a tokenization paused by a full disk tries its write again now. */
  retryCorpusWrite(): Promise<void>;
  /** Checks a job request and stores the job (state running); a refusal writes nothing. */
  createJob(request: JobRequest): Promise<JobSummary>;
  /**
   * Runs a job in this worker from its stored cursor; resolves with its state once it stops
   * (done, paused, cancelled, error). The page calls it only while holding the job's Web Lock.
   */
  runJob(jobId: string): Promise<JobState>;
  setJobState(jobId: string, state: 'running' | 'paused' | 'cancelled'): Promise<JobSummary>;
  deleteJob(jobId: string): Promise<void>;
  /** Every stored job, newest first. */
  listJobs(): Promise<JobSummary[]>;
  /** The committed results as JSON Lines or CSV, read from storage page by page. */
  jobResults(jobId: string, format: ResultsFormat, opId: string): Promise<CheckpointFile>;
  /**
   * Fault injection for tests and manual checks (the page offers it only with ?debug=1): an
   * uncaught error in the worker, a real WebGPU device loss via device.destroy(), or a
   * poisoned next step.
   */
  debugFault(kind: DebugFault): Promise<void>;
  /**
   * The next training step profiled op by op, as text: kernel calls, ms in kernels and outside
   * them, the forward / backward / optimizer phases, each op's total and the heaviest rows with
   * their input shapes (the page shows it with ?debug=1). A step of the run like any other;
   * fails with CancelledError if the run is not training or stops first.
   */
  profileStep(): Promise<string>;
}
