import { describe, it } from 'vitest';
import { encodeBpe } from '../../workers/training/bpe/bpe-encoder';
import type { BpeModel } from '../../workers/training/bpe/bpe-model';
import { trainBpe } from '../../workers/training/bpe/bpe-trainer';
import { SAMPLE_SEED, sampleRanges } from '../../workers/training/bpe/corpus-sample';
import { preTokenSpans } from '../../workers/training/bpe/pre-tokenizer';
import { exportTokenizerJson } from '../../workers/training/bpe/tokenizer-json';
import { tokenizerHash } from '../../workers/training/bpe/tokenizer-hash';
import { WordCounts } from '../../workers/training/bpe/word-counts';
import {
  INVALID_UTF8,
  MARK_FILE,
  markModel,
  randomBytes,
  trickyBytes,
  webText,
} from './bpe-fixtures';
import { compareOrWrite, compareOrWriteJson } from './golden-files';

/**
 * The browser's BPE for python/tests/test_bpe.py (golden-files.ts says how they are kept): the
 * merges of Mark and of a seeded sample of the whole Bible, their hashes, pre-tokens and ids of
 * text the tokenizer never saw (invalid UTF-8 included), and the tokenizer.json export.
 */
const MARK_VOCAB = 1024;
const SAMPLED = { maxBytes: 2 << 20, chunkBytes: 256 << 10, seed: SAMPLE_SEED, vocabSize: 512 };
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const pairs = (model: BpeModel) =>
  Array.from({ length: model.merges.length / 2 }, (_, i) => [
    model.merges[2 * i]!,
    model.merges[2 * i + 1]!,
  ]);

describe('golden vectors for python/tests (BPE)', () => {
  it('merges, hashes, pre-tokens, ids and the tokenizer.json export', async () => {
    const model = markModel(MARK_VOCAB);
    const web = webText();
    const ranges = sampleRanges(web.length, SAMPLED.maxBytes, SAMPLED.seed, SAMPLED.chunkBytes);
    const counts = new WordCounts();
    for (const { start, end } of ranges) counts.add(web.subarray(start, end));
    const sampled = trainBpe(counts, SAMPLED.vocabSize);
    const texts = [trickyBytes, INVALID_UTF8, randomBytes(3, 3000)];
    compareOrWriteJson('bpe.json', {
      mark: {
        file: MARK_FILE,
        vocabSize: MARK_VOCAB,
        merges: pairs(model),
        hash: await tokenizerHash(model),
      },
      sampled: {
        file: 'tests/fixtures/text/web.txt.gz',
        ...SAMPLED,
        ranges: ranges.map((r) => [r.start, r.end]),
        merges: pairs(sampled),
        hash: await tokenizerHash(sampled),
      },
      sampleOfTwoGigabytes: sampleRanges(2 ** 31 + 12345).map((r) => r.start),
      encoded: texts.map((bytes) => ({
        bytes: base64(bytes),
        spans: preTokenSpans(bytes),
        ids: Array.from(encodeBpe(model, bytes)),
      })),
    });
    compareOrWrite('bpe-tokenizer.json', new TextEncoder().encode(exportTokenizerJson(model)));
  });
});
