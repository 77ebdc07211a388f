import * as tf from '@tensorflow/tfjs';
import { presetConfig, validateConfig, type RunConfig } from '../../src/shared/config';
import {
  timeCorpusTokenization,
  type CorpusRoot,
  type TrainingSession,
} from '../../workers/bench-surface';

// What the shards suite's two measures share (bench/suites/shard-ratio.ts, shard-heap.ts).

// gpt-nano with byte tokens, its documents split at blank lines, as a corpus of prose is.
export const SPEC = { tokens: 'byte', separator: 'blank', bpe: null } as const;

export function nanoConfig(): RunConfig {
  return validateConfig({ ...presetConfig('gpt-nano'), separator: SPEC.separator, steps: 0 });
}

export function wasmMemoryBytes(): number {
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
}

/** `steps` steps of `session`: their wall time and losses. */
export async function train(session: TrainingSession, steps: number) {
  const losses: number[] = [];
  const start = performance.now();
  for (let s = 0; s < steps; s++) losses.push(await session.trainStep());
  return { ms: performance.now() - start, losses };
}

/**
 * The text tokenized into OPFS shards in this worker (outside any timing), on a root emptied
 * first; the caller removes the corpus.
 */
export async function tokenized(root: CorpusRoot, text: Uint8Array) {
  for (const address of await root.addresses()) await root.removeFolder(address);
  return await timeCorpusTokenization(text as Uint8Array<ArrayBuffer>, SPEC, () => 0, root);
}

/** A ratio near 1 needs four decimals to show a cost of a tenth of a percent. */
export const fourPlaces = (v: number) => Math.round(v * 1e4) / 1e4;

export function equal(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
