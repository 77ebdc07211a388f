import type { RunConfig } from './run-config';
import { elementCount, modelSpec } from './model-spec';

const FLOAT = 4;

/**
 * What one training step of a config needs, in bytes: `totalBytes` for everything alive at its
 * peak, `largestTensorBytes` for its largest single tensor. An estimate, meant to refuse what
 * cannot fit before anything is allocated, and to say how much it needs:
 *
 * - the parameters four times (weights, gradients, Adam's m and v) and twice more for the
 *   optimizer's and clipping's temporaries;
 * - the activations kept for the backward pass, per token of the batch: the embeddings' one-hot
 *   rows, logits, softmax and one-hot targets (4 × vocab), and per layer (transformer, gpt) about
 *   14 × width for the LNs, q/k/v, the mixed heads, projections and residuals, 6 × MLP width for
 *   the MLP and tfjs's unfused GELU, and 4 × heads × context for the attention scores, mask,
 *   softmax and its gradient; (mlp) the concatenated window and 3 × width per hidden layer;
 * - all of that once more for the gradients flowing back through them.
 *
 * Checked against tf.profile's peak on the CPU backend (tests/unit/memory-estimate.test.ts).
 */
export interface MemoryNeed {
  readonly totalBytes: number;
  readonly largestTensorBytes: number;
}

export function trainingMemory(config: RunConfig, vocabSize: number): MemoryNeed {
  const specs = modelSpec(config, vocabSize);
  const params = specs.reduce((sum, v) => sum + elementCount(v.shape), 0);
  const largestParam = Math.max(...specs.map((v) => elementCount(v.shape)));
  const { batch, context, embed, width, layers, heads } = config;
  const sequence = config.model === 'mlp' ? 1 : context;
  const tokens = batch * sequence;
  const perToken =
    config.model === 'mlp'
      ? context * embed + 3 * width * layers + 4 * vocabSize
      : 4 * vocabSize + layers * (14 * embed + 6 * width + 4 * heads * context);
  const activations = 2 * tokens * perToken;
  const largest = Math.max(
    largestParam,
    tokens * vocabSize,
    tokens * width,
    config.model === 'mlp' ? 0 : batch * heads * context * context,
  );
  return {
    totalBytes: (6 * params + activations) * FLOAT,
    largestTensorBytes: largest * FLOAT,
  };
}

/** What a backend can hold; null where it sets no limit the trainer can read. */
export interface MemoryLimits {
  readonly totalBytes: number | null;
  readonly largestTensorBytes: number | null;
}

/** Which limit a need breaks first, or null when it fits. */
export function exceededLimit(
  need: MemoryNeed,
  limits: MemoryLimits,
): { readonly limit: 'memory' | 'tensor'; readonly need: number; readonly max: number } | null {
  if (limits.totalBytes !== null && need.totalBytes > limits.totalBytes) {
    return { limit: 'memory', need: need.totalBytes, max: limits.totalBytes };
  }
  const tensorMax = limits.largestTensorBytes;
  if (tensorMax !== null && need.largestTensorBytes > tensorMax) {
    return { limit: 'tensor', need: need.largestTensorBytes, max: tensorMax };
  }
  return null;
}
