import { describe, expect, it } from 'vitest';
import { parseSeparator } from '../../src/shared/text-mode';
import { learnCorpusBpe } from '../../workers/corpus/corpus-bpe';
import { documentSpans, learnProseBpe, type SampleBounds } from '../../workers/training/bpe-prose';
import { separatorSpans } from '../../workers/training/prose-data';
import { mark, trickyBytes } from './bpe-fixtures';
import { END, joinBytes } from './corpus-fixtures';

/** Mark, tricky text and Mark again, joined by `<|end|>` (which itself holds blank lines). */
const TEXT = joinBytes([mark, END, trickyBytes, END, END, mark.subarray(5_000, 40_000)]);

function inMemory(separator: string, vocab: number, sample: SampleBounds) {
  const spans = separatorSpans(TEXT, parseSeparator(separator));
  return learnProseBpe(TEXT, documentSpans(TEXT.length, spans), vocab, sample);
}

describe('a BPE learned on a corpus streamed from a Blob: the merges of the text in memory', () => {
  const samples: Record<string, SampleBounds> = {
    'the whole text': {},
    // 30 chunks of 4 KB, 12 of them chosen by the sample seed: pieces cut at chunk and
    // document edges, separators straddling chunk edges.
    'a sample of chunks': { chunkBytes: 4096, maxBytes: 12 * 4096 },
  };
  for (const [label, sample] of Object.entries(samples)) {
    for (const separator of ['none', 'blank', '<|end|>']) {
      it(`${label}, separator ${separator}`, async () => {
        const expected = inMemory(separator, 600, sample);
        for (const readBytes of [997, 65_536]) {
          const model = await learnCorpusBpe(new Blob([TEXT]), separator, 600, {
            sample,
            readBytes,
          });
          expect(Array.from(model.merges)).toEqual(Array.from(expected.merges));
        }
      });
    }
  }

  it('differs when the sample differs, so the equality above is not vacuous', async () => {
    const whole = await learnCorpusBpe(new Blob([TEXT]), 'blank', 600);
    const sampled = await learnCorpusBpe(new Blob([TEXT]), 'blank', 600, {
      sample: { chunkBytes: 4096, maxBytes: 12 * 4096 },
    });
    expect(Array.from(sampled.merges)).not.toEqual(Array.from(whole.merges));
  });
});
