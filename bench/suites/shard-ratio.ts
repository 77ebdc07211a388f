import type { RunConfig } from '../../src/shared/config';
import {
  TrainingSession,
  loadDataset,
  shardedProse,
  timeShardWindows,
  type CorpusManifest,
  type CorpusRoot,
  type TextDataset,
} from '../../workers/bench-surface';
import { benchCorpus } from '../bpe/bench-corpus';
import { webText } from './corpus';
import {
  SPEC,
  equal,
  fourPlaces,
  nanoConfig,
  tokenized,
  train,
  wasmMemoryBytes,
} from './shard-case';
import type { ShardTrainingCase, ShardTrainingRow } from './shard-api';
import { median, progress, round } from './stats';

/** Batches gathered alone from each source: the read path's own cost, apart from the steps. */
const GATHER_BATCHES = 500;

/**
 * The same byte tokens trained from memory (loadDataset, as a run on a text the page holds) and
 * from the corpus's shards, two sessions from one seed stepping in turns: round r times
 * `steps` steps of each, memory first on even rounds, so drift in the machine's load falls on
 * both. Equal seeds and equal batches give equal losses, which is checked. Then batches alone
 * (timeShardWindows, the shards opened afresh): the read path's cost without a step's noise.
 */
export async function measureRatio(
  spec: ShardTrainingCase,
  root: CorpusRoot,
  row: ShardTrainingRow,
) {
  const config = nanoConfig();
  const web = await webText();
  const text = spec.sizeMB === null ? web : benchCorpus(web, spec.sizeMB * 1e6);
  const memory = await loadDataset('bench.txt', text, config);
  const t = await tokenized(root, text);
  try {
    const rounds = await pairedRounds(spec, config, memory.data, root, t.manifest);
    const clock = () => performance.now();
    const gather = await timeShardWindows(
      root,
      t.manifest,
      text,
      SPEC,
      config,
      GATHER_BATCHES,
      clock,
    );
    const batchMs = {
      memory: gather.memoryMs / GATHER_BATCHES,
      shards: gather.shardMs / GATHER_BATCHES,
    };
    const memoryStepMs = (rounds.tokensPerStep * 1000) / median(rounds.rates.memory);
    return {
      ...row,
      status: rounds.sameLosses ? 'ok' : 'error',
      reason: rounds.sameLosses
        ? null
        : 'the shards gave other losses than the same tokens in memory',
      text_bytes: text.length,
      tokens: t.tokens,
      shards: t.shards,
      tokens_per_step: rounds.tokensPerStep,
      memory_tokens_per_s: round(median(rounds.rates.memory)),
      shards_tokens_per_s: round(median(rounds.rates.shards)),
      ratio_median: fourPlaces(median(rounds.ratios)),
      ratio_min: fourPlaces(Math.min(...rounds.ratios)),
      ratio_max: fourPlaces(Math.max(...rounds.ratios)),
      ratio_total: fourPlaces(rounds.totalMs.memory / rounds.totalMs.shards),
      same_losses: rounds.sameLosses,
      batch_ms_memory: round(batchMs.memory),
      batch_ms_shards: round(batchMs.shards),
      read_cost_pct: fourPlaces((100 * (batchMs.shards - batchMs.memory)) / memoryStepMs),
      wasm_memory_bytes: wasmMemoryBytes(),
    } satisfies ShardTrainingRow;
  } finally {
    await root.removeFolder(t.manifest.address);
  }
}

/** The two sessions in paired rounds (see measureRatio); the shards are closed afterwards. */
async function pairedRounds(
  spec: ShardTrainingCase,
  config: RunConfig,
  inMemory: TextDataset,
  root: CorpusRoot,
  manifest: CorpusManifest,
) {
  const sharded = await shardedProse(root.folder(manifest.address), manifest, SPEC);
  const arms = {
    memory: TrainingSession.create(config, inMemory),
    shards: TrainingSession.create(config, sharded),
  };
  try {
    const memoryWarm = await train(arms.memory, spec.warmupSteps);
    const shardWarm = await train(arms.shards, spec.warmupSteps);
    let sameLosses = equal(memoryWarm.losses, shardWarm.losses);
    const rates = { memory: [] as number[], shards: [] as number[] };
    const totalMs = { memory: 0, shards: 0 };
    const ratios: number[] = [];
    const tokensPerStep = arms.memory.tokensPerStep;
    const perSecond = (ms: number) => (spec.steps * tokensPerStep * 1000) / ms;
    for (let r = 0; r < spec.rounds; r++) {
      const order = r % 2 === 0 ? (['memory', 'shards'] as const) : (['shards', 'memory'] as const);
      const run = {
        memory: { ms: 0, losses: [] as number[] },
        shards: { ms: 0, losses: [] as number[] },
      };
      for (const arm of order) run[arm] = await train(arms[arm], spec.steps);
      sameLosses &&= equal(run.memory.losses, run.shards.losses);
      rates.memory.push(perSecond(run.memory.ms));
      rates.shards.push(perSecond(run.shards.ms));
      totalMs.memory += run.memory.ms;
      totalMs.shards += run.shards.ms;
      ratios.push(run.memory.ms / run.shards.ms);
      if ((r + 1) % 10 === 0) progress(`shards: ${r + 1}/${spec.rounds} rounds`);
    }
    return { sameLosses, rates, totalMs, ratios, tokensPerStep };
  } finally {
    arms.memory.dispose();
    arms.shards.dispose();
    sharded.close();
  }
}
