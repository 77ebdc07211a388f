/**
 * The trainer's own kernels, by the names backends register them under (tf.registerKernel).
 * The `Tp` prefix keeps them apart from tfjs's. Inputs, attributes, outputs, exact semantics and
 * summation order of each are the contract in docs/KERNELS.md: a backend that registers one of
 * these names implements that contract, and the op (this folder) uses it; a backend without it
 * gets the op's composite of tfjs ops.
 */
export const TP = {
  dense: 'TpDense',
  denseGrad: 'TpDenseGrad',
  layerNorm: 'TpLayerNorm',
  layerNormGrad: 'TpLayerNormGrad',
  gelu: 'TpGelu',
  geluGrad: 'TpGeluGrad',
  causalAttention: 'TpCausalAttention',
  causalAttentionGrad: 'TpCausalAttentionGrad',
  softmaxCrossEntropy: 'TpSoftmaxCrossEntropy',
  softmaxCrossEntropyGrad: 'TpSoftmaxCrossEntropyGrad',
  embedding: 'TpEmbedding',
  embeddingGrad: 'TpEmbeddingGrad',
  globalNorm: 'TpGlobalNorm',
  adam: 'TpAdam',
} as const;

export type TpKernelName = (typeof TP)[keyof typeof TP];
