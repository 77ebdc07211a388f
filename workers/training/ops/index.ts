// The op layer: the differentiable operations the models and the session call. Each runs its
// backend's registered kernel (kernel-names.ts, contract in docs/KERNELS.md) where there is one
// and its composite of tfjs ops otherwise.
export { adamStep, type AdamStepOptions } from './adam-step';
export { causalSelfAttention } from './causal-attention';
export { softmaxCrossEntropy } from './cross-entropy';
export { dense } from './dense';
export { embedTokens } from './embedding';
export { gelu } from './gelu';
export { globalNorm } from './global-norm';
export { LN_EPSILON, layerNorm } from './layer-norm';
