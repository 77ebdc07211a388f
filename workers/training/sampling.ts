import * as tf from '@tensorflow/tfjs';
import type { Prng } from '../../src/shared/prng';
import { BOUNDARY } from './dataset';
import type { CharModel } from './models';

const MAX_SAMPLE_CHARS = 32;

/** Generates `count` documents at once, drawing each next character from the given PRNG. */
export async function generateSamples(
  model: CharModel,
  vocab: readonly string[],
  count: number,
  prng: Prng,
): Promise<string[]> {
  const context = model.config.context;
  const windows = new Int32Array(count * context); // all boundary: the start of a document
  const out: string[][] = Array.from({ length: count }, () => []);
  const done = new Array<boolean>(count).fill(false);
  for (let i = 0; i < MAX_SAMPLE_CHARS && done.includes(false); i++) {
    const probs = tf.tidy(() =>
      tf.softmax(model.nextLogits(tf.tensor2d(windows, [count, context], 'int32'))),
    );
    const values = await probs.data();
    probs.dispose();
    for (let r = 0; r < count; r++) {
      const next = draw(values, r * vocab.length, vocab.length, prng.nextFloat());
      if (done[r]) continue;
      if (next === BOUNDARY) done[r] = true;
      else out[r]!.push(vocab[next]!);
      windows.copyWithin(r * context, r * context + 1, (r + 1) * context);
      windows[(r + 1) * context - 1] = next;
    }
  }
  return out.map((chars) => chars.join(''));
}

function draw(probs: ArrayLike<number>, offset: number, size: number, u: number): number {
  let acc = 0;
  for (let i = 0; i < size; i++) {
    acc += probs[offset + i]!;
    if (u < acc) return i;
  }
  return size - 1;
}
