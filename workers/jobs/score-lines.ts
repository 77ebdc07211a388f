import * as tf from '@tensorflow/tfjs';
import type { JobItem } from '../../src/shared/jobs/job-types';
import { BOUNDARY } from '../training/dataset';
import type { CharModel } from '../training/models';

/** Windows per forward pass: bounds the memory of a batch of long lines. */
const MAX_ROWS = 2048;

/**
 * Scores lines as the validation loss counts a document: every character and the line's end,
 * each predicted from the `context` tokens before it, clipped at the line's start (earlier
 * positions are the boundary token), the NLL computed with the same ops as the training loss.
 * An item's `nll` is the sum over its `tokens` predictions, in nats.
 */
export async function scoreLines(
  model: CharModel,
  vocab: readonly string[],
  indices: readonly number[],
  lines: readonly string[],
): Promise<JobItem[]> {
  const context = model.config.context;
  const ids = new Map(vocab.map((ch, i) => [ch, i]));
  const windows: number[] = [];
  const targets: number[] = [];
  const owner: number[] = [];
  lines.forEach((line, r) => {
    const tokens = [BOUNDARY, ...[...line].map((ch) => ids.get(ch)!), BOUNDARY];
    for (let p = 1; p < tokens.length; p++) {
      for (let c = 0; c < context; c++) {
        const q = p - context + c;
        windows.push(q >= 0 ? tokens[q]! : BOUNDARY);
      }
      targets.push(tokens[p]!);
      owner.push(r);
    }
  });
  const nll = new Float64Array(lines.length);
  const counts = new Int32Array(lines.length);
  for (let start = 0; start < targets.length; start += MAX_ROWS) {
    const rows = Math.min(MAX_ROWS, targets.length - start);
    const x = Int32Array.from(windows.slice(start * context, (start + rows) * context));
    const y = Int32Array.from(targets.slice(start, start + rows));
    const perToken = tf.tidy(() => {
      const logits = model.nextLogits(tf.tensor2d(x, [rows, context], 'int32'));
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), vocab.length, 1, 0, 'float32');
      return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1));
    });
    const values = await perToken.data();
    perToken.dispose();
    for (let i = 0; i < rows; i++) {
      const r = owner[start + i]!;
      nll[r] += values[i]!;
      counts[r] += 1;
    }
  }
  return indices.map((index, r) => {
    const finite = Number.isFinite(nll[r]!);
    return {
      index,
      input: lines[r]!,
      nll: finite ? nll[r]! : undefined,
      tokens: counts[r]!,
      error: finite ? null : 'the model gave this line a non-finite NLL',
    };
  });
}
