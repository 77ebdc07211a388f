import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import { byName, createVariables, denseLayer, embed, type CharModel } from './char-model';

/** Bengio et al. 2003: concatenated embeddings of the context, tanh hidden layers, softmax. */
export function createMlp(config: RunConfig, vocabSize: number, prng: Prng | null): CharModel {
  const variables = createVariables(config, vocabSize, prng);
  const v = byName(variables);
  const get = (name: string) => v.get(name)!;
  const nextLogits = (x: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      const [rows, context] = x.shape;
      const emb = embed(x, get('emb') as tf.Tensor2D);
      let h: tf.Tensor = tf.reshape(emb, [rows, context * config.embed]);
      for (let i = 0; i < config.layers; i++) {
        h = tf.tanh(denseLayer(h, get(`hidden${i}/kernel`), get(`hidden${i}/bias`)));
      }
      return denseLayer(h, get('out/kernel'), get('out/bias')) as tf.Tensor2D;
    });
  return {
    config,
    vocabSize,
    variables,
    logits: nextLogits,
    nextLogits,
    dispose: () => variables.forEach((n) => n.variable.dispose()),
  };
}
