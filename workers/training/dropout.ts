import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import { Prng, deriveSeed } from '../../src/shared/prng';
import type { DropoutMasks } from './models';
import { dropoutSites } from './models/gpt';

export const DROPOUT_STREAM = 0xd40b;

/**
 * The dropout masks of batch `number`, drawn on the host from the run's seed, so that a resumed
 * run (or the Python port) draws the same ones: one stream per batch,
 * xoshiro128**(deriveSeed(seed, 0xd40b, batch number)), and for each site in forward order and
 * each element in row-major order one `nextUint32()`: the element is dropped when
 * u / 2³² < p, else kept and scaled by float32(1 / (1 − p)). A batch number names one batch for
 * good (a rewind skips batches rather than reusing numbers), so a batch always gets its masks.
 */
export function dropoutMasks(
  seed: number,
  number: number,
  p: number,
  sites: number,
  size: number,
): Float32Array[] {
  const prng = Prng.fromSeed(deriveSeed(seed, DROPOUT_STREAM, number));
  const threshold = p * 4294967296;
  const keep = Math.fround(1 / (1 - p));
  const masks: Float32Array[] = [];
  for (let s = 0; s < sites; s++) {
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = prng.nextUint32() < threshold ? 0 : keep;
    masks.push(mask);
  }
  return masks;
}

/** Batch `number`'s masks as [rows, context, embed] tensors (in the caller's tidy); null at p 0. */
export function dropoutTensors(
  config: RunConfig,
  number: number,
  rows: number,
): DropoutMasks | null {
  const { dropout, context, embed, seed } = config;
  if (dropout === 0) return null;
  const size = rows * context * embed;
  const masks = dropoutMasks(seed, number, dropout, dropoutSites(config), size);
  return masks.map((m) => tf.tensor(m, [rows, context, embed]));
}
