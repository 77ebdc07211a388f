import * as tf from '@tensorflow/tfjs';
import type { Prng } from '../../src/shared/prng';
import type { CharModel } from './models';
import { proseStart } from './text-codec';
import type { TextDataset } from './text-dataset';

const MAX_SAMPLE_CHARS = 32;
const PROSE_SAMPLE_TOKENS = 64;

/**
 * Generates `count` samples at once, each next token drawn from the given PRNG (one draw per
 * row per position, in row order). Lines: documents from an empty window, each ended by the
 * boundary (at most 32 tokens). Prose: 64 tokens continuing the separator token (or a line
 * break when the text has no separator); transformer and gpt see the sample so far, up to
 * their context, the mlp a window padded with that first token. Bytes are shown through a
 * streaming UTF-8 decoder: a split character never throws.
 */
export async function generateSamples(
  model: CharModel,
  data: TextDataset,
  count: number,
  prng: Prng,
): Promise<string[]> {
  const context = model.config.context;
  const lines = data.kind === 'lines';
  const start = lines ? data.train.boundary : proseStart(data.tokenizer, data.vocab);
  const growing = !lines && model.config.model !== 'mlp';
  const rows: number[][] = Array.from({ length: count }, () =>
    growing ? [start] : new Array<number>(context).fill(start),
  );
  const out: number[][] = Array.from({ length: count }, () => []);
  const done = new Array<boolean>(count).fill(false);
  const vocab = model.vocabSize;
  const length = lines ? MAX_SAMPLE_CHARS : PROSE_SAMPLE_TOKENS;
  for (let i = 0; i < length && done.includes(false); i++) {
    const t = rows[0]!.length;
    const flat = Int32Array.from(rows.flat());
    const probs = tf.tidy(() =>
      tf.softmax(model.nextLogits(tf.tensor2d(flat, [count, t], 'int32'))),
    );
    const values = await probs.data();
    probs.dispose();
    for (let r = 0; r < count; r++) {
      const next = draw(values, r * vocab, vocab, prng.nextFloat());
      if (done[r]) continue;
      if (lines && next === start) done[r] = true;
      else out[r]!.push(next);
      const row = rows[r]!;
      row.push(next);
      if (!growing || row.length > context) row.shift();
    }
  }
  return out.map((ids) => {
    const decoder = data.tokenizer.decoder();
    return decoder.push(ids) + decoder.end();
  });
}

function draw(probs: ArrayLike<number>, offset: number, size: number, u: number): number {
  let acc = 0;
  for (let i = 0; i < size; i++) {
    acc += probs[offset + i]!;
    if (u < acc) return i;
  }
  return size - 1;
}
