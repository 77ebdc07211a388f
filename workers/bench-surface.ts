// The benchmark's public surface: everything bench/ drives in the worker, and nothing else.
// bench/ imports workers/ only through this file (and src/shared), so an internal of the
// trainer can move or change without the bench knowing, and what the bench measures is the
// app's own code, named here. Adding to this list is a decision: the bench then depends on it.

// The run's setup, as the app does it (training suite, snapshots, jobs).
export { selectBackend } from './training/backend';
export { checkFitsBackend } from './training/backend-memory';
export {
  bundledDataset,
  checkBatchFits,
  loadDataset,
  newRunRecord,
  reloadDataset,
  type LoadedDataset,
} from './training/run-setup';
export { TrainingSession } from './training/session';
// The loop the app runs, with the Snapshotter it hands each step boundary to (snapshot loop).
export { TrainingLoop } from './training/training-loop';
export { Snapshotter } from './snapshot/snapshotter';
// A snapshot's phases, timed one by one (snapshot probes) and whole (jobs' model snapshot).
export {
  captureState,
  disposeCaptured,
  restorePayload,
  tensorBytes,
} from './training/state-capture';
export {
  persistSnapshot,
  snapshotManifest,
  type SnapshotContext,
} from './snapshot/persist-snapshot';
export { JobStore, SnapshotStore, tensorRecord } from './store';
// Checkpoint files: export, decode and import (snapshot probes).
export { decodeFile, exportSnapshot, writeRunFrom } from './checkpoint/checkpoint-io';
// Inference jobs (jobs suite).
export { createJob } from './jobs/job-create';
export { JobRunner } from './jobs/job-runner';
export { resultsFile } from './jobs/results-file';
// Per-kernel profiles of a training step and the custom-kernel comparisons (npm run profile,
// npm run profile:browser).
export { default as bundledNames } from './training/names.txt?raw';
export { loadBundledKernels } from './training/kernels/bundled-kernels';
export { installWasmKernels, removeWasmKernels } from './training/kernels/install';
export { installCpuKernels, removeCpuKernels } from './training/kernels/cpu/install-cpu-kernels';
export {
  describeProductThreads,
  describeProductWork,
  productThreads,
  useCpuPool,
} from './training/kernels/cpu/cpu-threads';
export { CpuPool } from './training/kernels/cpu/cpu-pool';
export { removeWebGpuKernels } from './training/kernels/webgpu/install-webgpu';
export {
  LN_EPSILON,
  adamStep,
  causalSelfAttention,
  embedTokens,
  gelu,
  globalNorm,
  layerNorm,
  softmaxCrossEntropy,
} from './training/ops';
export { hasKernel } from './training/ops/kernel-dispatch';
export { TP } from './training/ops/kernel-names';
export { layerNormComposite } from './training/ops/layer-norm';
export { now, useClock } from './training/profile/clock';
export { countGpuWork, type GpuCounts } from './training/profile/gpu-work-counter';
export { GPT_NANO, gptNanoDataset } from './training/profile/gpt-nano';
export { profileKernels, type KernelProfile } from './training/profile/kernel-profile';
export { measureOpOverhead, type OverheadRow } from './training/profile/op-overhead';
export { formatProfile } from './training/profile/profile-table';
export { profileTrainingSteps, timeSteps } from './training/profile/step-profile';
// Byte-level BPE: training time, encoding MB/s by vocabulary size, byte tokens (npm run bench:bpe).
export { BpeModel } from './training/bpe/bpe-model';
export { encodeBpe } from './training/bpe/bpe-encoder';
export { lastSafeCut } from './training/bpe/pre-tokenizer';
export { timeBpeEncoding, timeBpeTraining, timeByteTokens } from './training/bpe/bpe-bench';
// Corpora streamed to token shards: tokenization MB/s, batches from shards vs memory
// (npm run bench:corpus).
export { timeCorpusTokenization, timeShardWindows } from './corpus/corpus-bench';
// A tokenization killed half-way and opened again as a reload does (npm run bench:corpus).
export { CorpusStore, type CorpusProgressEvent } from './corpus/corpus-store';
export { inProcessLocks } from './corpus/corpus-lock';
// Training from a corpus's shards as the app does (shard training suite).
export { shardedProse } from './corpus/corpus-dataset';
export type { CorpusManifest } from './corpus/corpus-manifest';
export type { TextDataset } from './training/text-dataset';
export { MemoryCorpusRoot } from './corpus/memory-corpus-files';
export {
  TEMP_SUFFIX,
  type CorpusFiles,
  type CorpusRoot,
  type SyncFileReader,
} from './corpus/corpus-files';
export { opfsCorpusRoot } from './corpus/opfs-corpus-files';
export { learnCorpusBpe } from './corpus/corpus-bpe';
export { blobChunks } from './corpus/blob-chunks';
export { blobSha256 } from './corpus/corpus-address';
export { presetConfig } from '../src/shared/config';
