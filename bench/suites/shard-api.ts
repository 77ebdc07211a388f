import type { HeapWindow, RowStatus } from '../bench-api';

// The shards suite's wire types (issue 20): what the runner asks the bench worker, and the row.
/**
 * gpt-nano on WASM trained from a corpus's OPFS shards: 'ratio' against the same byte tokens in
 * memory, in paired rounds; 'heap' from the shards of a generated corpus of `sizeMB`, the worker's
 * heap sampled while it trains.
 */
export interface ShardTrainingCase {
  readonly suite: 'shards';
  readonly measure: 'ratio' | 'heap';
  /** null: the bench text as it is (ratio); else a generated corpus of this many MB. */
  readonly sizeMB: number | null;
  /** Paired rounds (ratio): memory then shards, shards then memory, alternately. */
  readonly rounds: number;
  /** Steps per arm per round (ratio), or in the heap phase (heap). */
  readonly steps: number;
  /** Untimed steps on each session first (WASM kernels compiled, buffers allocated). */
  readonly warmupSteps: number;
}

export interface ShardTrainingRow {
  readonly suite: 'shards';
  readonly measure: 'ratio' | 'heap';
  readonly size_mb: number | null;
  readonly status: RowStatus;
  readonly reason: string | null;
  readonly backend: string;
  readonly text_bytes: number | null;
  readonly tokens: number | null;
  readonly shards: number | null;
  readonly tokens_per_step: number | null;
  readonly rounds: number;
  readonly steps: number;
  /** Medians over the rounds of each arm's tokens/s. */
  readonly memory_tokens_per_s: number | null;
  readonly shards_tokens_per_s: number | null;
  /** Median over the rounds of shards/memory tokens/s within a round. */
  readonly ratio_median: number | null;
  readonly ratio_min: number | null;
  readonly ratio_max: number | null;
  /** All rounds' memory time over all rounds' shards time. */
  readonly ratio_total: number | null;
  /** Every round's losses from the shards equal the memory's, bit for bit (same batches). */
  readonly same_losses: boolean | null;
  /** One batch gathered alone (hostBatch, no step), from memory and from the shards. */
  readonly batch_ms_memory: number | null;
  readonly batch_ms_shards: number | null;
  /** What the shards add to a batch, in percent of memory's median step. */
  readonly read_cost_pct: number | null;
  /** The WebAssembly memory's size after training (not in the runner's heap figures). */
  readonly wasm_memory_bytes: number | null;
  /** heap: the runner samples the worker's heap while it trains from the shards. */
  readonly heap_window: HeapWindow | null;
}
