import * as tf from '@tensorflow/tfjs';
import type { GenerateParams, JobItem } from '../../src/shared/jobs/job-types';
import { itemPrng } from '../../src/shared/jobs/item-stream';
import { BOUNDARY } from '../training/dataset';
import type { CharModel } from '../training/models';
import { drawNext } from './next-char';

/**
 * Generates items `indices` (each with its prompt, or null for a sample from a document's
 * start). Rows advance together through the model, but every draw uses only that row's logits
 * and the item's own stream, and a finished row leaves the batch: an item's output is the same
 * in any batch. The output is the continuation, without the prompt.
 */
export async function generateItems(
  model: CharModel,
  vocab: readonly string[],
  params: GenerateParams,
  indices: readonly number[],
  prompts: readonly (string | null)[],
): Promise<JobItem[]> {
  const context = model.config.context;
  const ids = new Map(vocab.map((ch, i) => [ch, i]));
  const rows = indices.map((index, r) => {
    const window = new Int32Array(context).fill(BOUNDARY);
    const prompt = [...(prompts[r] ?? '')].map((ch) => ids.get(ch)!);
    const tail = prompt.slice(-context);
    window.set(tail, context - tail.length);
    return { index, window, prng: itemPrng(params.seed, index), out: [] as string[], done: false };
  });
  for (let step = 0; step < params.maxLength; step++) {
    const active = rows.filter((row) => !row.done);
    if (active.length === 0) break;
    const x = new Int32Array(active.length * context);
    active.forEach((row, r) => x.set(row.window, r * context));
    const logits = tf.tidy(() =>
      model.nextLogits(tf.tensor2d(x, [active.length, context], 'int32')),
    );
    const values = await logits.data();
    logits.dispose();
    active.forEach((row, r) => {
      const next = drawNext(
        values,
        r * vocab.length,
        vocab.length,
        params.temperature,
        params.topK,
        row.prng,
      );
      if (next === BOUNDARY) {
        row.done = true;
        return;
      }
      row.out.push(vocab[next]!);
      row.window.copyWithin(0, 1);
      row.window[context - 1] = next;
    });
  }
  return rows.map((row, r) => ({
    index: row.index,
    input: prompts[r] ?? null,
    output: row.out.join(''),
    error: null,
  }));
}
