// What `npm run profile` (bench/profile-step.mjs) loads, through one module runner, so every
// module here is one instance: the kernels it installs are the ones the comparison calls.
export { formatBackendProfile, profileGptNano } from './gpt-nano-profile';
export { compareLayerNorm, formatLayerNormRows } from './layer-norm-compare';
export {
  installCpuKernels,
  installWasmKernels,
  GPT_NANO,
  useClock,
  removeCpuKernels,
  removeWasmKernels,
  CpuPool,
  useCpuPool,
} from '../../workers/bench-surface';
export { compareMatMuls, formatMatMulRows } from './matmul-compare';
