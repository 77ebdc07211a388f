// What `npm run bench:corpus` (bench/corpus-bench.mjs) loads through one module runner.
export {
  BpeModel,
  MemoryCorpusRoot,
  presetConfig,
  timeBpeTraining,
  timeCorpusTokenization,
  timeShardWindows,
} from '../../workers/bench-surface';
export { benchCorpus } from '../bpe/bench-corpus';
export { SizesOnlyCorpusRoot } from './sizes-only-corpus-root';
export { killAndResume } from './kill-resume';
