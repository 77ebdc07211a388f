import * as tf from '@tensorflow/tfjs';
import type { JobItem } from '../../src/shared/jobs/job-types';
import type { CharModel } from '../training/models';
import type { TextCodec } from '../training/text-codec';

/**
 * Predictions per forward pass at most (rows of fixed windows, or positions of growing ones):
 * bounds the memory of a batch of long lines.
 */
const MAX_READS = 2048;

/** One forward row: the tokens it reads, and which of its outputs predict which target. */
interface Window {
  readonly tokens: readonly number[];
  /** [output position, target id] of each prediction read from it (fixed windows: 0). */
  readonly reads: readonly (readonly [number, number])[];
  readonly line: number;
}

/**
 * Scores lines as the run's training reads its text: each token of the line (and a line
 * model's end of line) is predicted from up to `context` tokens before it, starting after the
 * start token (the boundary, the separator or a line break). Lines: every prediction reads a
 * full window clipped at the line's start (positions before it are the boundary), as
 * `gatherBatch` builds validation windows, at the window's last position. Prose (transformer,
 * gpt): a line's first `context` predictions come from one window read at every position, as
 * training reads the stream; each later one from the `context` tokens before it. An item's
 * `nll` is the sum over its `tokens` predictions, in nats, with the same ops as the training
 * loss; `bytes` counts the text they stand for (for bits per byte).
 */
export async function scoreLines(
  model: CharModel,
  codec: TextCodec,
  indices: readonly number[],
  lines: readonly string[],
): Promise<JobItem[]> {
  const { context } = model.config;
  const nll = new Float64Array(lines.length);
  const counts = new Int32Array(lines.length);
  const bytes = new Int32Array(lines.length);
  const windows: Window[] = [];
  lines.forEach((line, r) => {
    const ids = codec.encode(line, () => new Error('checked when created'));
    const seq = [codec.start, ...ids, ...(codec.end === null ? [] : [codec.end])];
    for (let p = 1; p < seq.length; p++) bytes[r] += codec.tokenizer.byteLength(seq[p]!);
    windows.push(...lineWindows(seq, context, codec.growing, r));
  });
  // Windows of a run of lines go through the model together, as many as MAX_READS allow.
  const outputs = (w: Window) => (codec.growing ? w.tokens.length : 1);
  for (let start = 0; start < windows.length;) {
    let end = start + 1;
    let widest = outputs(windows[start]!);
    while (end < windows.length) {
      const next = Math.max(widest, outputs(windows[end]!));
      if ((end - start + 1) * next > MAX_READS) break;
      widest = next;
      end++;
    }
    const batch = windows.slice(start, end);
    const values = await logProbabilities(model, batch, codec.growing);
    batch.forEach((w, row) => {
      for (const [position, target] of w.reads) {
        nll[w.line] -= values[(row * widest + position) * model.vocabSize + target]!;
        counts[w.line] += 1;
      }
    });
    start = end;
  }
  return indices.map((index, r) => {
    const finite = Number.isFinite(nll[r]!);
    return {
      index,
      input: lines[r]!,
      nll: finite ? nll[r]! : undefined,
      tokens: counts[r]!,
      bytes: bytes[r]!,
      error: finite ? null : 'the model gave this line a non-finite NLL',
    };
  });
}

/** The windows that predict every token of `seq` after its first. */
function lineWindows(seq: readonly number[], context: number, growing: boolean, line: number) {
  const out: Window[] = [];
  if (growing) {
    const first = seq.slice(0, Math.min(seq.length - 1, context));
    out.push({ tokens: first, reads: first.map((_, i) => [i, seq[i + 1]!] as const), line });
    for (let p = context + 1; p < seq.length; p++) {
      out.push({ tokens: seq.slice(p - context, p), reads: [[context - 1, seq[p]!]], line });
    }
    return out;
  }
  for (let p = 1; p < seq.length; p++) {
    const window = Array.from({ length: context }, (_, c) => {
      const q = p - context + c;
      return q >= 0 ? seq[q]! : seq[0]!;
    });
    out.push({ tokens: window, reads: [[0, seq[p]!]], line });
  }
  return out;
}

/**
 * Log-probabilities of each window's outputs, [rows, width, vocab]: growing windows are
 * right-padded to the widest and read at every position (causal attention never looks right,
 * so padding changes no position read); fixed windows give their next-token row alone
 * (`nextLogits`, width 1), as the training loss's ops compute it.
 */
async function logProbabilities(
  model: CharModel,
  batch: readonly Window[],
  growing: boolean,
): Promise<Float32Array> {
  const t = Math.max(...batch.map((w) => w.tokens.length));
  const x = new Int32Array(batch.length * t);
  batch.forEach((w, r) => x.set(w.tokens, r * t));
  const out = tf.tidy(() => {
    const input = tf.tensor2d(x, [batch.length, t], 'int32');
    return tf.logSoftmax(growing ? model.logits(input) : model.nextLogits(input));
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}
