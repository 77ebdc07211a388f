// The kernel module's exports: one file per kernel family, re-exported here.
export { adamStep } from './adam';
export { attentionBackward, attentionForward } from './attention';
export { crossEntropyBackward, crossEntropyForward } from './cross-entropy';
export { geluBackward, geluForward } from './gelu';
export { layerNormBackward, layerNormForward } from './layer-norm';
export { columnSum, embeddingBackward, embeddingForward, sumSquares, transpose2d } from './rows';
