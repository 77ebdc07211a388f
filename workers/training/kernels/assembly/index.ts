// The kernel module's exports: one file per kernel family, re-exported here.
export { layerNormBackward, layerNormForward } from './layer-norm';
