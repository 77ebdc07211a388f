import * as tf from '@tensorflow/tfjs';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import {
  TrainingSession,
  loadDataset,
  opfsCorpusRoot,
  selectBackend,
  shardedProse,
  timeCorpusTokenization,
  type CorpusRoot,
} from '../../workers/bench-surface';
import type { ShardTrainingCase, ShardTrainingRow } from '../bench-api';
import { benchCorpus } from '../bpe/bench-corpus';
import { webText } from './corpus';
import { setHeapPhase } from './snapshot-training';
import { epochNow, median, messageOf, progress, round } from './stats';

// gpt-nano with byte tokens, its documents split at blank lines, as a corpus of prose is.
const SPEC = { tokens: 'byte', separator: 'blank', bpe: null } as const;
const HEAP_BASELINE_MS = 1000;

function nanoConfig(): RunConfig {
  return validateConfig({ ...presetConfig('gpt-nano'), separator: SPEC.separator, steps: 0 });
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
    wasm_memory_bytes: null,
    heap_window: null,
  };
}

function wasmMemoryBytes(): number {
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
}

/** `steps` steps of `session`: their wall time and losses. */
async function train(session: TrainingSession, steps: number) {
  const losses: number[] = [];
  const start = performance.now();
  for (let s = 0; s < steps; s++) losses.push(await session.trainStep());
  return { ms: performance.now() - start, losses };
}

/**
 * The text tokenized into OPFS shards in this worker (outside any timing), on a root emptied
 * first; the caller removes the corpus.
 */
async function tokenized(root: CorpusRoot, text: Uint8Array) {
  for (const address of await root.addresses()) await root.removeFolder(address);
  return await timeCorpusTokenization(text as Uint8Array<ArrayBuffer>, SPEC, () => 0, root);
}

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

/**
 * The same byte tokens trained from memory (loadDataset, as a run on a text the page holds) and
 * from the corpus's shards, two sessions from one seed stepping in turns: round r times
 * `steps` steps of each, memory first on even rounds, so drift in the machine's load falls on
 * both. Equal seeds and equal batches give equal losses, which is checked.
 */
async function measureRatio(spec: ShardTrainingCase, root: CorpusRoot, row: ShardTrainingRow) {
  const config = nanoConfig();
  const web = await webText();
  const text = spec.sizeMB === null ? web : benchCorpus(web, spec.sizeMB * 1e6);
  const memory = await loadDataset('bench.txt', text, config);
  const t = await tokenized(root, text);
  const sharded = await shardedProse(root.folder(t.manifest.address), t.manifest, SPEC);
  const arms = {
    memory: TrainingSession.create(config, memory.data),
    shards: TrainingSession.create(config, sharded),
  };
  try {
    const memoryWarm = await train(arms.memory, spec.warmupSteps);
    const shardWarm = await train(arms.shards, spec.warmupSteps);
    let sameLosses = equal(memoryWarm.losses, shardWarm.losses);
    const rates = { memory: [] as number[], shards: [] as number[] };
    const ratios: number[] = [];
    const perSecond = (ms: number) => (spec.steps * arms.memory.tokensPerStep * 1000) / ms;
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
      ratios.push(run.memory.ms / run.shards.ms);
      progress(`shards ${r + 1}/${spec.rounds}: ratio ${ratios.at(-1)!.toFixed(4)}`);
    }
    return {
      ...row,
      status: sameLosses ? 'ok' : 'error',
      reason: sameLosses ? null : 'the shards gave other losses than the same tokens in memory',
      text_bytes: text.length,
      tokens: t.tokens,
      shards: t.shards,
      tokens_per_step: arms.memory.tokensPerStep,
      memory_tokens_per_s: round(median(rates.memory)),
      shards_tokens_per_s: round(median(rates.shards)),
      ratio_median: fourPlaces(median(ratios)),
      ratio_min: fourPlaces(Math.min(...ratios)),
      ratio_max: fourPlaces(Math.max(...ratios)),
      same_losses: sameLosses,
      wasm_memory_bytes: wasmMemoryBytes(),
    } satisfies ShardTrainingRow;
  } finally {
    arms.memory.dispose();
    arms.shards.dispose();
    sharded.close();
    await root.removeFolder(t.manifest.address);
  }
}

/** A ratio near 1 needs four decimals to show a cost of a tenth of a percent. */
const fourPlaces = (v: number) => Math.round(v * 1e4) / 1e4;

function equal(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/**
 * A generated corpus of `sizeMB` tokenized into shards, its text then let go; a session trains
 * from the shards. The runner's baseline is the worker idle with the session warm and the
 * shards open; the phase is `steps` steps from the shards, a macrotask between steps so the
 * sampler's requests are answered while it trains.
 */
async function measureHeap(spec: ShardTrainingCase, root: CorpusRoot, row: ShardTrainingRow) {
  const config = nanoConfig();
  // The text lives only in this call: the heap phase holds the shards' handles, not the text.
  const t = await tokenized(root, benchCorpus(await webText(), (spec.sizeMB ?? 0) * 1e6));
  const textBytes = t.bytes;
  const sharded = await shardedProse(root.folder(t.manifest.address), t.manifest, SPEC);
  const session = TrainingSession.create(config, sharded);
  try {
    await train(session, spec.warmupSteps);
    await setHeapPhase('baseline-gc');
    const baselineStart = epochNow();
    await setHeapPhase('baseline');
    await new Promise((resolve) => setTimeout(resolve, HEAP_BASELINE_MS));
    await setHeapPhase('snapshot-gc');
    const snapshotStart = epochNow();
    await setHeapPhase('snapshot');
    for (let s = 0; s < spec.steps; s++) {
      await session.trainStep();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const end = epochNow();
    await setHeapPhase('done');
    return {
      ...row,
      status: 'ok',
      text_bytes: textBytes,
      tokens: t.tokens,
      shards: t.shards,
      tokens_per_step: session.tokensPerStep,
      wasm_memory_bytes: wasmMemoryBytes(),
      heap_window: { baselineStart, snapshotStart, firstCommit: end, end },
    } satisfies ShardTrainingRow;
  } finally {
    session.dispose();
    sharded.close();
    await root.removeFolder(t.manifest.address);
  }
}
