import { TrainingSession, shardedProse, type CorpusRoot } from '../../workers/bench-surface';
import { benchCorpus } from '../bpe/bench-corpus';
import { webText } from './corpus';
import { SPEC, nanoConfig, tokenized, train, wasmMemoryBytes } from './shard-case';
import type { ShardTrainingCase, ShardTrainingRow } from './shard-api';
import { measureHeap as heapWindow, setHeapPhase } from './heap-phases';

const HEAP_BASELINE_MS = 1000;

/**
 * A generated corpus of `sizeMB` tokenized into shards, its text then let go; a session trains
 * from the shards. The runner's baseline is the worker idle with the session warm and the
 * shards open; the phase is `steps` steps from the shards, a macrotask between steps so the
 * sampler's requests are answered while it trains.
 */
export async function measureHeap(
  spec: ShardTrainingCase,
  root: CorpusRoot,
  row: ShardTrainingRow,
) {
  const config = nanoConfig();
  // The text lives only in this call: the heap phase holds the shards' handles, not the text.
  const t = await tokenized(root, benchCorpus(await webText(), (spec.sizeMB ?? 0) * 1e6));
  const textBytes = t.bytes;
  const sharded = await shardedProse(root.folder(t.manifest.address), t.manifest, SPEC);
  const session = TrainingSession.create(config, sharded);
  try {
    await train(session, spec.warmupSteps);
    const { window } = await heapWindow(HEAP_BASELINE_MS, async () => {
      for (let s = 0; s < spec.steps; s++) {
        await session.trainStep();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
    await setHeapPhase('done');
    return {
      ...row,
      status: 'ok',
      text_bytes: textBytes,
      tokens: t.tokens,
      shards: t.shards,
      tokens_per_step: session.tokensPerStep,
      wasm_memory_bytes: wasmMemoryBytes(),
      heap_window: window,
    } satisfies ShardTrainingRow;
  } finally {
    session.dispose();
    sharded.close();
    await root.removeFolder(t.manifest.address);
  }
}
