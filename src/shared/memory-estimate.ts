import type { RunConfig } from './run-config';
import { elementCount, modelSpec } from './model-spec';

const FLOAT = 4;

/**
 * What one training step of a config needs, in bytes: `totalBytes` for everything alive at its
 * peak, `largestTensorBytes` for its largest single tensor. An estimate, meant to refuse what
 * cannot fit before anything is allocated, and to say how much it needs:
 *
 * - the parameters six times (weights, gradients, Adam's m and v, and the update's temporaries);
 * - per token of the batch, the tensors tfjs keeps for the backward pass and makes during it
 *   (it fuses nothing): about 20 × vocab floats for the one-hot rows, logits, softmax and
 *   their gradients, and per layer (transformer, gpt) about 100 × width + 30 × MLP width +
 *   10 × heads × context; (mlp, per example) about 30 × vocab, 8 × the window's embeddings and
 *   20 × width per hidden layer.
 *
 * The coefficients were fitted to tf.profile's peak on the CPU backend, varying one dimension at
 * a time (batch, width, MLP width, layers, context, heads: within 4%); the same graph allocates
 * the same tensors on every backend. tests/unit/memory-estimate.test.ts checks the fit.
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
  const mlp = config.model === 'mlp';
  const tokens = batch * (mlp ? 1 : context);
  const perToken = mlp
    ? 30 * vocabSize + 8 * context * embed + 20 * width * layers
    : 20 * vocabSize + layers * (100 * embed + 30 * width + 10 * heads * context);
  const largest = Math.max(
    largestParam,
    tokens * vocabSize,
    tokens * width,
    mlp ? 0 : batch * heads * context * context,
  );
  return {
    totalBytes: (6 * params + tokens * perToken) * FLOAT,
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
