// What `npm run profile` (bench/profile-step.mjs) loads, through one module runner, so every
// module here is one instance: the kernels it installs are the ones the comparison calls.
export { formatBackendProfile, profileGptNano } from './gpt-nano-profile';
export { compareLayerNorm, formatLayerNormRows } from './layer-norm-compare';
export { installWasmKernels } from '../../workers/training/kernels/install';
export { GPT_NANO } from '../../workers/training/profile/gpt-nano';
export { compareMatMuls, formatMatMulRows } from './matmul-compare';
export { useClock } from '../../workers/training/profile/clock';
export {
  installWasmOverrides,
  removeWasmOverrides,
} from '../../workers/training/kernels/wasm-overrides';
