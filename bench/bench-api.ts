import type { BackendName, ModelKind, RunConfig } from '../src/shared/config';
import type {
  GptSnapshotCase,
  GptSnapshotRow,
  GptTrainingCase,
  GptTrainingRow,
} from './suites/gpt-api';
import type { ShardTrainingCase, ShardTrainingRow } from './suites/shard-api';

/**
 * The bench page's wire protocol: one spec in, one result row out, tagged by suite. A new suite
 * adds its spec to BenchSpec, its row to BenchRow, and a case to the worker's switch.
 */

/** A forced backend, or `auto`: the trainer's own choice, as a page without ?backend= makes. */
export type BenchBackend = BackendName | 'auto';

/** Measure training throughput of one model config on one forced backend or the automatic one. */
export interface TrainingCase {
  readonly suite: 'training';
  readonly size: string;
  readonly backend: BenchBackend;
  /** Laid over DEFAULT_CONFIG and validated in the worker; `model` is required. */
  readonly config: Partial<RunConfig> & { readonly model: ModelKind };
  readonly warmupSteps: number;
  /** Timed steps stop at maxSteps, or once budgetMs has passed and minSteps are done. */
  readonly minSteps: number;
  readonly maxSteps: number;
  readonly budgetMs: number;
  /** The gpt-nano preset (its config replaces `config`) on the names' bytes as prose. */
  readonly gptNano?: boolean;
  /** WASM: XNNPACK's threads; every logical core (the app's choice) when absent. */
  readonly threads?: number;
  /** After the timed steps, a per-kernel profile of one more step (its text goes in the row). */
  readonly profile?: boolean;
  /** WASM: tfjs-wasm's own kernels under the op layer's composites, as before issue 19. */
  readonly tfjsKernels?: boolean;
}

export type RowStatus = 'ok' | 'unavailable' | 'error';

/** snake_case: rows go to bench/results.json unchanged. Numbers not measured are null. */
export interface TrainingRow {
  readonly model: ModelKind;
  readonly size: string;
  readonly backend: BenchBackend;
  /** The backend that ran: the forced one, or what `auto` chose. */
  readonly chosen: BackendName | null;
  /** The badge's reason text for that choice. */
  readonly choice: string | null;
  readonly status: RowStatus;
  /** Why the backend is unavailable or the case failed; null when status is ok. */
  readonly reason: string | null;
  readonly config: RunConfig | null;
  /** The WebGPU adapter or the WebGL renderer (SwiftShader without a GPU); null on the CPU. */
  readonly adapter: string | null;
  readonly state_bytes: number | null;
  readonly params: number | null;
  readonly tokens_per_step: number | null;
  readonly warmup_steps: number;
  /** Wall time of the warm-up steps together: shader compilation shows here. */
  readonly warmup_ms: number | null;
  readonly steps: number;
  readonly step_ms_median: number | null;
  /** The spread of the timed steps: a max far above the median means warm-up was too short. */
  readonly step_ms_min: number | null;
  readonly step_ms_max: number | null;
  readonly steps_per_s: number | null;
  readonly tokens_per_s: number | null;
  /** Losses of the first and the last step. Data order is seeded, so backends agree at equal steps. */
  readonly first_loss: number | null;
  readonly last_loss: number | null;
  /** Steps (warm-up included) whose loss was NaN or infinite. */
  readonly nonfinite_losses: number;
  /** WASM: XNNPACK's threads as tfjs reports them; CPU: the CPU pool's; null elsewhere. */
  readonly threads: number | null;
  /** WASM: `trainer` (our kernels, the app's) or `tfjs` (tfjs-wasm's own); null elsewhere. */
  readonly kernels: 'trainer' | 'tfjs' | null;
  /** The per-kernel profile of one step (formatProfile's text), when the case asked for it. */
  readonly profile: string | null;
}

/** Snapshot cost of one model size on one forced backend: see bench/suites/snapshots.ts. */
export interface SnapshotsCase {
  readonly suite: 'snapshots';
  readonly size: string;
  readonly backend: BenchBackend;
  readonly config: Partial<RunConfig> & { readonly model: ModelKind };
  readonly warmupSteps: number;
  /** Alternating windows without and with snapshots, each windowMs long, `rounds` of each. */
  readonly windowMs: number;
  readonly rounds: number;
  /**
   * The snapshot timer while training: a fixed period as `?snapshotSeconds=` sets it in the app,
   * or 'auto', the app's default policy (Young's interval from the measured snapshot cost).
   */
  readonly snapshotSeconds: number | 'auto';
  /** Snapshots taken back to back while the runner samples the worker's heap. */
  readonly heapSnapshots: number;
  /** Repetitions of each one-off measurement (tfjs save, raw writes, resume, export, import). */
  readonly reps: number;
}

/** Epoch milliseconds (performance.timeOrigin + now) of the heap phase, for the runner. */
export interface HeapWindow {
  readonly baselineStart: number;
  readonly snapshotStart: number;
  /** When the phase's first snapshot committed. */
  readonly firstCommit: number;
  readonly end: number;
}

/** Milliseconds unless named; medians over the repetitions. Null where not measured. */
export interface SnapshotsRow {
  readonly model: ModelKind;
  readonly size: string;
  readonly backend: BenchBackend;
  readonly status: RowStatus;
  readonly reason: string | null;
  readonly config: RunConfig | null;
  readonly adapter: string | null;
  readonly state_bytes: number | null;
  readonly tensors: number | null;
  readonly largest_tensor_bytes: number | null;
  readonly backend_start_ms: number | null;
  /** The first step on the fresh backend: shader compilation, which a real page load pays. */
  readonly first_step_cold_ms: number | null;
  readonly step_ms_median: number | null;
  readonly steps_per_s_no_snapshot: number | null;
  readonly steps_per_s_with_snapshot: number | null;
  /** Each window's steps/s, in the order run: the spread shows the machine's noise. */
  readonly window_steps_per_s: { readonly without: number[]; readonly with: number[] } | null;
  /** Median share of a window's time outside its steps, without and with snapshots. */
  readonly between_steps_share: {
    readonly without: number | null;
    readonly with: number | null;
  } | null;
  /** Each round's steps/s with snapshots ÷ without (rounds alternate which runs first). */
  readonly ratio_paired: number[] | null;
  /** Their median: the throughput figure the 0.98× target is held to. */
  readonly ratio_paired_median: number | null;
  readonly snapshots_taken: number | null;
  /** captureState at the step boundary: what the loop itself waits. */
  readonly stall_ms_median: number | null;
  readonly stall_ms_max: number | null;
  /** Per snapshot: the extra time of the steps that ran while it persisted, over step_ms_median. */
  readonly step_slowdown_ms_median: number | null;
  /** 1 - slowdown × snapshots / wall time with snapshots: the steps/s ratio the slowdown implies. */
  readonly ratio_from_slowdown: number | null;
  /** Training steps that began while a snapshot persisted, per snapshot. */
  readonly steps_per_persist_median: number | null;
  readonly persist_ms_median: number | null;
  readonly persist_ms_max: number | null;
  readonly persist_mb_per_s: number | null;
  /** One snapshot's phases taken apart while training is paused (persistSnapshot's own steps). */
  readonly breakdown: PersistBreakdown | null;
  /** encodeWeights + handler.save until it resolves, which is before its transaction commits. */
  readonly tfjs_save_ms: number | null;
  /** The same save until its transaction has committed. */
  readonly tfjs_save_committed_ms: number | null;
  readonly tfjs_save_bytes: number | null;
  readonly raw_idb_blob_mb_per_s: number | null;
  readonly raw_idb_arraybuffer_mb_per_s: number | null;
  readonly raw_opfs_mb_per_s: number | null;
  /** Store opened to the first resumed step finished; `resume_load_ms` stops before that step. */
  readonly resume_ms: number | null;
  readonly resume_load_ms: number | null;
  readonly export_ms: number | null;
  readonly export_bytes: number | null;
  readonly import_ms: number | null;
  /** Filled in by the runner from its samples of the worker's heap; the worker leaves null. */
  /** Peak minus baseline of JS heap + ArrayBuffer backing stores, then each of the two. */
  readonly peak_js_heap_bytes: number | null;
  /** The same over the phase's first snapshot only, right after a collection. */
  readonly peak_js_heap_first_bytes: number | null;
  readonly peak_heap_used_bytes: number | null;
  readonly peak_backing_store_bytes: number | null;
  /** The snapshot hasher worker's part of the peaks (its heap is counted in them). */
  readonly peak_hasher_bytes: number | null;
  readonly heap_baseline_bytes: number | null;
  readonly heap_samples: number | null;
  readonly heap_window: HeapWindow | null;
}

export interface PersistBreakdown {
  readonly readback_ms: number;
  readonly hash_ms: number;
  readonly blob_ms: number;
  readonly commit_ms: number;
  readonly total_ms: number;
}

/** Inference jobs on one model size: see bench/suites/jobs.ts. */
export interface JobsCase {
  readonly suite: 'jobs';
  readonly size: string;
  readonly backend: BackendName;
  readonly config: Partial<RunConfig> & { readonly model: ModelKind };
  readonly trainSteps: number;
  readonly generateItems: number;
  readonly maxLength: number;
  /** Alternating runs without and with commits. */
  readonly rounds: number;
  /** Stored results to download while the heap is sampled; 0: none. */
  readonly downloadItems: number;
}

export interface JobsRow {
  readonly size: string;
  readonly backend: BackendName;
  readonly status: RowStatus;
  readonly reason: string | null;
  readonly config: RunConfig | null;
  readonly params: number | null;
  readonly generate_items: number;
  readonly generate_items_per_s_no_commit: number | null;
  readonly generate_items_per_s: number | null;
  /** Items per batch the timed job fixed from its first batch; both sides of the ratio use it. */
  readonly batch_size: number | null;
  /** Items/s with commits ÷ without (medians over the rounds). */
  readonly commit_ratio: number | null;
  readonly score_items: number;
  readonly score_items_per_s: number | null;
  readonly commits: number | null;
  readonly commit_ms_median: number | null;
  readonly commit_ms_max: number | null;
  readonly download_items: number;
  readonly download_bytes: number | null;
  readonly download_ms: number | null;
  readonly heap_window: HeapWindow | null;
  /** Epoch ms: after the download and a collection, with the file still referenced. */
  readonly retained_window: readonly [number, number] | null;
  /** Filled in by the runner: median heap over retained_window minus the baseline. */
  readonly retained_after_gc_bytes: number | null;
  /** Filled in by the runner: peak minus baseline of the worker's heap while downloading. */
  readonly peak_js_heap_bytes: number | null;
  readonly peak_heap_used_bytes: number | null;
  readonly peak_backing_store_bytes: number | null;
  readonly heap_baseline_bytes: number | null;
  readonly heap_samples: number | null;
}

export type BenchSpec =
  | TrainingCase
  | SnapshotsCase
  | JobsCase
  | GptTrainingCase
  | GptSnapshotCase
  | CorpusCase
  | ShardTrainingCase;
export type BenchRow =
  | TrainingRow
  | SnapshotsRow
  | JobsRow
  | GptTrainingRow
  | GptSnapshotRow
  | CorpusRow
  | ShardTrainingRow;

export interface BenchApi {
  run(spec: BenchSpec): Promise<BenchRow>;
}

/** Tokenize a generated corpus into OPFS shards in the worker, then gather batches from them. */
export interface CorpusCase {
  readonly suite: 'corpus';
  readonly sizeMB: number;
  /** null: byte tokens; else a BPE of this size, learned on the corpus first. */
  readonly vocab: number | null;
  readonly batches: number;
}

export interface CorpusRow {
  readonly suite: 'corpus';
  readonly size_mb: number;
  readonly vocab: number | null;
  readonly status: RowStatus;
  readonly reason: string | null;
  readonly tokens: number | null;
  readonly shards: number | null;
  /** learnCorpusBpe on the Blob (one pass and the merges); null for byte tokens. */
  readonly bpe_train_ms: number | null;
  /** Hashing (the content address) and tokenizing into OPFS shards, wall time. */
  readonly tokenize_ms: number | null;
  readonly tokenize_mb_per_s: number | null;
  /** Of tokenize_ms: the first pass, the text's SHA-256 (its content address). */
  readonly hash_ms: number | null;
  readonly batches: number;
  readonly batches_memory_ms: number | null;
  readonly batches_shards_ms: number | null;
  /** Tokenizing is the phase the runner samples the worker's heap in (the text's baseline before). */
  readonly heap_window: HeapWindow | null;
}
