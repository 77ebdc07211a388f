import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import { modelSpec, type VariableSpec } from '../../../src/shared/model-spec';
import type { Prng } from '../../../src/shared/prng';
import { oneHotFloat } from './one-hot';

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

/**
 * Embedding lookup as a one-hot matmul. tf.gather's gradient scatters with float atomics on
 * WebGPU, which makes sums order-dependent; a matmul's gradient is deterministic.
 */
export function embed(ids: tf.Tensor, table: tf.Tensor2D): tf.Tensor {
  const vocab = table.shape[0];
  const flat = oneHotFloat(ids, vocab);
  return tf.reshape(tf.matMul(flat, table), [...ids.shape, table.shape[1]]);
}

export function denseLayer(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const inDim = kernel.shape[0]!;
  const rows = tf.reshape(x, [-1, inDim]);
  const out = tf.add(tf.matMul(rows, kernel as tf.Tensor2D), bias);
  return tf.reshape(out, [...x.shape.slice(0, -1), kernel.shape[1]!]);
}
