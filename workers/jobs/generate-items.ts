import * as tf from '@tensorflow/tfjs';
import type { GenerateParams, JobItem } from '../../src/shared/jobs/job-types';
import { itemPrng } from '../../src/shared/jobs/item-stream';
import { drawNext } from '../training/draw-token';
import type { CharModel } from '../training/models';
import type { TextCodec } from '../training/text-codec';

interface Row {
  readonly index: number;
  /** The tokens the model reads: a full padded window, or the sample so far (`growing`). */
  readonly window: number[];
  readonly prng: ReturnType<typeof itemPrng>;
  readonly out: number[];
  done: boolean;
}

/**
 * Generates items `indices` (each with its prompt, or null for a sample from a document's
 * start), as the run's text reads: lines stop at their end, prose runs to the maximum length,
 * and the output is decoded text (a byte model's split character shows as U+FFFD). Rows
 * advance together through the model, but every draw uses only that row's logits and the
 * item's own stream, and a finished row leaves the batch: an item's output is the same in any
 * batch. The output is the continuation, without the prompt.
 */
export async function generateItems(
  model: CharModel,
  codec: TextCodec,
  params: GenerateParams,
  indices: readonly number[],
  prompts: readonly (string | null)[],
): Promise<JobItem[]> {
  const { context } = model.config;
  const draw = { temperature: params.temperature, topK: params.topK, topP: params.topP ?? 1 };
  const rows: Row[] = indices.map((index, r) => {
    const prompt = codec.encode(prompts[r] ?? '', () => new Error('checked when created'));
    const window = codec.growing
      ? [codec.start, ...prompt].slice(-context)
      : [...new Array<number>(context).fill(codec.start), ...prompt].slice(-context);
    return { index, window, prng: itemPrng(params.seed, index), out: [], done: false };
  });
  for (let step = 0; step < params.maxLength; step++) {
    const active = rows.filter((row) => !row.done);
    if (active.length === 0) break;
    const { values, at } = await nextLogits(model, active, codec.growing);
    active.forEach((row, r) => {
      const next = drawNext(values, at(r), model.vocabSize, draw, row.prng);
      if (next === codec.end) {
        row.done = true;
        return;
      }
      row.out.push(next);
      row.window.push(next);
      if (row.window.length > context) row.window.shift();
    });
  }
  return rows.map((row, r) => {
    const decoder = codec.tokenizer.decoder();
    const output = decoder.push(row.out) + decoder.end();
    return { index: row.index, input: prompts[r] ?? null, output, error: null };
  });
}

/**
 * Every row's next-token logits, and where row r's start in them. Windows of one length go
 * through `nextLogits`; growing windows of different lengths are padded on the right to the
 * longest and read at each row's own last position: causal attention never looks right, so a
 * row's logits are those of its own window alone.
 */
async function nextLogits(
  model: CharModel,
  rows: readonly Row[],
  growing: boolean,
): Promise<{ values: Float32Array; at: (r: number) => number }> {
  const vocab = model.vocabSize;
  const t = Math.max(...rows.map((row) => row.window.length));
  const x = new Int32Array(rows.length * t);
  rows.forEach((row, r) => x.set(row.window, r * t));
  const same = rows.every((row) => row.window.length === t);
  const logits = tf.tidy(() => {
    const input = tf.tensor2d(x, [rows.length, t], 'int32');
    return growing && !same ? model.logits(input) : model.nextLogits(input);
  });
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  if (!growing || same) return { values, at: (r) => r * vocab };
  return { values, at: (r) => (r * t + rows[r]!.window.length - 1) * vocab };
}
