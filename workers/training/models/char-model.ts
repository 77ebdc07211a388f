import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import { modelSpec, type VariableSpec } from '../../../src/shared/model-spec';
import type { Prng } from '../../../src/shared/prng';
import { dense, embedTokens } from '../ops';

export interface NamedVariable {
  /** Logical name, stable across instances: `emb`, `hidden0/kernel`, ... */
  readonly name: string;
  readonly variable: tf.Variable;
}

/**
 * Dropout masks of one training forward pass, one per dropout site in the order data flows,
 * each [rows, t, embed] and already scaled: 0 where dropped, 1 / (1 - p) where kept (dropout.ts).
 */
export type DropoutMasks = readonly tf.Tensor[];

/** A language model: its variables in optimizer order and a forward pass. */
export interface CharModel {
  readonly config: RunConfig;
  readonly vocabSize: number;
  readonly variables: readonly NamedVariable[];
  /**
   * Logits for every position [rows, context, vocab] (transformer, gpt) or the last [rows,
   * vocab] (mlp). With masks (gpt, training with dropout) the dropout sites apply them.
   */
  logits(x: tf.Tensor2D, dropout?: DropoutMasks | null): tf.Tensor;
  /** Logits of the next token after each row's window: [rows, vocab]. */
  nextLogits(x: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

let instances = 0;

/**
 * Creates the spec's variables. tfjs names variables globally, so each instance gets a unique
 * prefix; the logical names are what snapshots and files use. Initial values come from the
 * run's PRNG in spec order, so the same seed gives the same bytes on every backend.
 */
export function createVariables(
  config: RunConfig,
  vocabSize: number,
  prng: Prng | null,
): NamedVariable[] {
  const prefix = `m${++instances}`;
  return modelSpec(config, vocabSize).map((spec) => ({
    name: spec.name,
    variable: tf.variable(initialValue(spec, prng), true, `${prefix}/${spec.name}`),
  }));
}

function initialValue(spec: VariableSpec, prng: Prng | null): tf.Tensor {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (spec.init.kind === 'ones') values.fill(1);
  else if (spec.init.kind === 'normal' && prng !== null) {
    for (let i = 0; i < size; i++) values[i] = prng.nextNormal() * spec.init.std;
  }
  return tf.tensor(values, [...spec.shape], 'float32');
}

export function byName(variables: readonly NamedVariable[]): Map<string, tf.Variable> {
  return new Map(variables.map((v) => [v.name, v.variable]));
}

/** Rows of `table` for integer ids: the op layer's lookup (one-hot matmul where no kernel). */
export function embed(ids: tf.Tensor, table: tf.Tensor2D): tf.Tensor {
  return embedTokens(ids, table);
}

/** x · kernel + bias over x's last axis: the op layer's dense. */
export function denseLayer(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return dense(x, kernel, bias);
}
