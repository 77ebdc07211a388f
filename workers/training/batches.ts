import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import { BatchSampler, type DataCursor, type SkipWindow } from '../../src/shared/data-cursor';
import { gatherBatch } from './dataset';
import { crossEntropy } from './loss';
import type { CharModel, DropoutMasks } from './models';
import { gatherWindows } from './prose-data';
import { trainingExamples, type TextDataset } from './text-dataset';
import { gatherSourceWindows, isTokenArray } from './token-source';

/** One batch on the host: windows [rows, context], targets, and which targets count. */
export interface HostBatch {
  readonly rows: number;
  readonly x: Int32Array;
  /** [rows, context] for models trained on every position, else [rows]. */
  readonly y: Int32Array;
  /** Lines only: 0 where a target lies before its document; null when every target counts. */
  readonly mask: Float32Array | null;
}

/** The transformer and gpt learn from every position of a window; the mlp from its last. */
export function trainsAllPositions(config: RunConfig): boolean {
  return config.model !== 'mlp';
}

/** Lines: the examples' windows, clipped at their line. Prose: windows at those offsets. */
export function hostBatch(
  data: TextDataset,
  part: 'train' | 'val',
  examples: ArrayLike<number>,
  config: RunConfig,
): HostBatch {
  const all = trainsAllPositions(config);
  if (data.kind === 'lines') {
    return { rows: examples.length, ...gatherBatch(data[part], examples, config.context, all) };
  }
  const stream = data[part];
  const windows = isTokenArray(stream)
    ? gatherWindows(stream, examples, config.context, all)
    : gatherSourceWindows(stream, examples, config.context, all);
  return { rows: examples.length, ...windows, mask: null };
}

/** The batch's mean cross-entropy over the targets that count, as one scalar on the device. */
export function batchLoss(
  model: CharModel,
  config: RunConfig,
  batch: HostBatch,
  dropout: DropoutMasks | null = null,
): tf.Scalar {
  const { rows, x, y, mask } = batch;
  const all = trainsAllPositions(config);
  return tf.tidy(() => {
    const xt = tf.tensor2d(x, [rows, config.context], 'int32');
    const yt = tf.tensor(y, all ? [rows, config.context] : [rows], 'int32');
    const mt = mask === null ? null : tf.tensor(mask, [rows, config.context]);
    return crossEntropy(model.logits(xt, dropout), yt, mt);
  });
}

/** The data order of a run: shuffled lines, or prose windows drawn per batch number. */
export function batchSampler(
  config: RunConfig,
  dataset: TextDataset,
  cursor?: DataCursor,
  skips?: readonly SkipWindow[],
): BatchSampler {
  const size = trainingExamples(dataset, config.context);
  const order = dataset.kind === 'prose' ? 'windows' : 'shuffle';
  return new BatchSampler(config.seed, size, config.batch, cursor, skips, order);
}
