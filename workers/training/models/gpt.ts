import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../../src/shared/config';
import type { Prng } from '../../../src/shared/prng';
import { dense, embedTokens, layerNorm } from '../ops';
import { byName, createVariables, type CharModel, type DropoutMasks } from './char-model';
import { allPositionsModel } from './last-position';
import { mlpBlock, selfAttention } from './transformer-blocks';

/** Dropout sites of a gpt, in forward order: the embeddings, then each block's two residuals. */
export function dropoutSites(config: RunConfig): number {
  return config.model === 'gpt' ? 1 + 2 * config.layers : 0;
}

/**
 * GPT-2 / nanoGPT in the order data flows: token + learned position embeddings, dropout; per
 * block x + drop(attn(ln1(x))), then x + drop(mlp(ln2(x))); the final LN; logits from the token
 * embedding itself (tie = 1, as GPT-2) or a bias-free head. Dropout on the attention
 * probabilities is left out: its masks (batch × heads × context²) would cost more to draw on
 * the host than the step; the embedding and residual dropout GPT-2 also has are here. Every
 * layer is an op of the op layer (its backend's kernel, or its tfjs composite); the host masks
 * multiply the ops' outputs with tfjs's `mul` on every backend, as no kernel takes a mask.
 */
export function createGpt(config: RunConfig, vocabSize: number, prng: Prng | null): CharModel {
  const variables = createVariables(config, vocabSize, prng);
  const v = byName(variables);
  const get = (name: string) => v.get(name)!;

  const logits = (x: tf.Tensor2D, dropout: DropoutMasks | null = null): tf.Tensor =>
    tf.tidy(() => {
      let site = 0;
      const drop = (h: tf.Tensor) => (dropout === null ? h : tf.mul(h, dropout[site++]!));
      const tokens = get('tok_emb') as tf.Tensor2D;
      let h = drop(embedTokens(x, tokens, get('pos_emb') as tf.Tensor2D));
      for (let i = 0; i < config.layers; i++) {
        const b = `block${i}`;
        const a = layerNorm(h, get(`${b}/ln1/gamma`), get(`${b}/ln1/beta`));
        h = tf.add(h, drop(selfAttention(a, get, b, config.heads)));
        const m = layerNorm(h, get(`${b}/ln2/gamma`), get(`${b}/ln2/beta`));
        h = tf.add(h, drop(mlpBlock(m, get, b)));
      }
      const final = layerNorm(h, get('ln_f/gamma'), get('ln_f/beta'));
      // Tied: logits = h · tok_embᵀ (dense with the kernel transposed); else a bias-free head.
      return config.tie === 1
        ? dense(final, tokens, null, true)
        : dense(final, get('head/kernel'), null);
    });

  return allPositionsModel(config, vocabSize, variables, logits);
}
