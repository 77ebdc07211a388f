import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { CharModel, NamedVariable } from './char-model';

/** The logits of each row's last position, [rows, vocab], from [rows, t, vocab]. */
export function lastPosition(all: tf.Tensor): tf.Tensor2D {
  const [rows, t, vocab] = all.shape as [number, number, number];
  return tf.reshape(tf.slice(all, [0, t - 1, 0], [rows, 1, vocab]), [rows, vocab]);
}

/**
 * The model of a forward pass whose logits cover every position [rows, t, vocab] (transformer,
 * gpt): the next token's logits are the last position's.
 */
export function allPositionsModel(
  config: RunConfig,
  vocabSize: number,
  variables: readonly NamedVariable[],
  logits: CharModel['logits'],
): CharModel {
  return {
    config,
    vocabSize,
    variables,
    logits,
    nextLogits: (x) => tf.tidy(() => lastPosition(logits(x))),
    dispose: () => variables.forEach((n) => n.variable.dispose()),
  };
}
