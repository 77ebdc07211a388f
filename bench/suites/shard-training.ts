import { opfsCorpusRoot, selectBackend } from '../../workers/bench-surface';
import type { ShardTrainingCase, ShardTrainingRow } from './shard-api';
import { measureHeap } from './shard-heap';
import { measureRatio } from './shard-ratio';
import { messageOf } from './stats';

/**
 * One case in this worker, on WASM: see ShardTrainingCase. The corpus is the app's own
 * (CorpusStore's shards, read through shardedProse's sync access handles), never a copy.
 */
export async function runShardTrainingCase(spec: ShardTrainingCase): Promise<ShardTrainingRow> {
  const row = emptyRow(spec);
  const root = opfsCorpusRoot();
  if (root === null)
    return { ...row, status: 'unavailable', reason: 'no origin private file system' };
  try {
    await selectBackend('wasm');
  } catch (err) {
    return { ...row, status: 'unavailable', reason: messageOf(err) };
  }
  try {
    return spec.measure === 'ratio'
      ? await measureRatio(spec, root, row)
      : await measureHeap(spec, root, row);
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  }
}

function emptyRow(spec: ShardTrainingCase): ShardTrainingRow {
  return {
    suite: 'shards',
    measure: spec.measure,
    size_mb: spec.sizeMB,
    status: 'error',
    reason: null,
    backend: 'wasm',
    text_bytes: null,
    tokens: null,
    shards: null,
    tokens_per_step: null,
    rounds: spec.rounds,
    steps: spec.steps,
    memory_tokens_per_s: null,
    shards_tokens_per_s: null,
    ratio_median: null,
    ratio_min: null,
    ratio_max: null,
    same_losses: null,
    batch_ms_memory: null,
    batch_ms_shards: null,
    read_cost_pct: null,
    ratio_total: null,
    wasm_memory_bytes: null,
    heap_window: null,
  };
}
