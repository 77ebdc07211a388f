// What `npm run bench:bpe` (bench/bpe-bench.mjs) loads through one module runner.
export {
  BpeModel,
  lastSafeCut,
  timeBpeEncoding,
  timeBpeTraining,
  timeByteTokens,
} from '../../workers/bench-surface';
export { benchCorpus } from './bench-corpus';
