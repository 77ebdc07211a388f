// The corpus suite (issue 20): a generated corpus tokenized into OPFS shards in the bench page's
// worker (byte tokens, and BPE learned on it first), then gpt-nano batches gathered from the
// shards and from memory. The browser side is bench/suites/corpus.ts; `npm run bench:corpus` is
// the same in Node on in-memory files.
//
//   BENCH_CORPUS_MB=512        corpus size instead of the default's
//   BENCH_CORPUS_VOCABS=8192   BPE sizes; 'byte' for byte tokens ('byte' alone: no BPE)
import process from 'node:process';
import { observeHeapGrowth } from './heap-sampler.mjs';

const FULL = { sizeMB: 200, vocabs: [null, 8192], batches: 2000 };
const QUICK = { sizeMB: 32, vocabs: [null, 8192], batches: 500 };
const sizeOverride = process.env['BENCH_CORPUS_MB'];
const vocabsOverride = process.env['BENCH_CORPUS_VOCABS']
  ?.split(',')
  .map((v) => v.trim())
  .filter((v) => v !== '')
  .map((v) => (v === 'byte' ? null : Number(v)));

const fixed = (digits) => (v) => (v === null || v === undefined ? '-' : Number(v).toFixed(digits));
const status = (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason}`);

export const corpusSuite = {
  name: 'corpus',
  /** OPFS on disk, as a user's browser writes it. */
  persistentProfile: true,
  caseTimeoutMs: (quick) => (quick ? 300_000 : 900_000),

  cases(quick) {
    const preset = quick ? QUICK : FULL;
    const sizeMB = sizeOverride === undefined ? preset.sizeMB : Number(sizeOverride);
    const vocabs = vocabsOverride ?? preset.vocabs;
    const { batches } = preset;
    return vocabs.map((vocab) => ({ suite: 'corpus', sizeMB, vocab, batches }));
  },

  /** The worker's heap (JS heap + ArrayBuffers) while tokenizing, above the baseline before it. */
  observe(page) {
    return observeHeapGrowth(page);
  },

  failedRow(spec, reason) {
    return { suite: 'corpus', size_mb: spec.sizeMB, vocab: spec.vocab, status: 'error', reason };
  },

  label: (spec) =>
    `${spec.sizeMB} MB, ${spec.vocab === null ? 'byte tokens' : `BPE ${spec.vocab}`}`,

  tables: [
    {
      title: 'corpus: tokenizing into OPFS shards (wall MB/s), batches from shards vs memory',
      columns: [
        { title: 'MB', value: (r) => r.size_mb, right: true },
        { title: 'tokens', value: (r) => (r.vocab === null ? 'byte' : `BPE ${r.vocab}`) },
        { title: 'count', value: (r) => r.tokens ?? '-', right: true },
        { title: 'shards', value: (r) => r.shards ?? '-', right: true },
        {
          title: 'BPE train s',
          value: (r) => (r.bpe_train_ms == null ? '-' : fixed(1)(r.bpe_train_ms / 1000)),
          right: true,
        },
        {
          title: 'tokenize s',
          value: (r) => (r.tokenize_ms == null ? '-' : fixed(1)(r.tokenize_ms / 1000)),
          right: true,
        },
        { title: 'MB/s', value: (r) => fixed(1)(r.tokenize_mb_per_s), right: true },
        {
          title: 'of which hash s',
          value: (r) => (r.hash_ms == null ? '-' : fixed(1)(r.hash_ms / 1000)),
          right: true,
        },
        { title: 'batches', value: (r) => r.batches ?? '-', right: true },
        { title: 'memory ms', value: (r) => fixed(0)(r.batches_memory_ms), right: true },
        { title: 'shards ms', value: (r) => fixed(0)(r.batches_shards_ms), right: true },
        {
          title: 'heap +MB',
          value: (r) => (r.heap_growth_bytes == null ? '-' : fixed(0)(r.heap_growth_bytes / 1e6)),
          right: true,
        },
        {
          title: 'base MB',
          value: (r) =>
            r.heap_baseline_bytes == null ? '-' : fixed(0)(r.heap_baseline_bytes / 1e6),
          right: true,
        },
        { title: 'status', value: status },
      ],
    },
  ],
};
