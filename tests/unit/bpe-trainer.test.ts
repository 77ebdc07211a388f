import { describe, expect, it } from 'vitest';
import { BpeVocabSizeError, BpeVocabTooLargeError } from '../../src/shared/errors';
import { BpeTrainer, trainBpe } from '../../workers/training/bpe/bpe-trainer';
import { sampleRanges } from '../../workers/training/bpe/corpus-sample';
import { WordCounts } from '../../workers/training/bpe/word-counts';
import { mark, markModel } from './bpe-fixtures';

const utf8 = new TextEncoder();
const counted = (...chunks: string[]) => {
  const counts = new WordCounts();
  for (const chunk of chunks) counts.add(utf8.encode(chunk));
  return counts;
};
const bytesOf = (trainer: BpeTrainer) => {
  const names: string[] = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b));
  const merges = trainer.mergesSoFar;
  for (let i = 0; i < merges.length; i += 2)
    names.push(names[merges[i]!]! + names[merges[i + 1]!]!);
  return names.slice(256);
};

describe('the BPE trainer', () => {
  it('merges the most frequent pair first, ties to the smaller left id then right id', () => {
    // Pre-tokens: "aab" once, " aab" twice, " xyz" three times. Five pairs occur 3 times;
    // (" ", "x") has the smallest ids, then ("a", "a"); the rest follow from the recounts.
    const trainer = new BpeTrainer(counted('aab aab aab xyz xyz xyz'), 512);
    expect(trainer.step()).toBe(false);
    expect(bytesOf(trainer)).toEqual([' x', 'aa', 'yz', ' xyz', 'aab', ' aab']);
  });

  it('counts pairs over word counts: a frequent pair beats a pair with smaller ids', () => {
    // ("z", "z") occurs 4 times (in "zz" and three " zz"); (" ", "a") and the rest at most 3.
    const trainer = new BpeTrainer(counted('zz zz zz zz ab ab ab'), 512);
    trainer.step(1);
    expect(bytesOf(trainer)).toEqual(['zz']);
  });

  it('says how many merges a text offers when the vocabulary asked for is more', () => {
    const trainer = new BpeTrainer(counted('aab aab aab xyz xyz xyz'), 512);
    trainer.step();
    expect(() => trainer.model()).toThrow(BpeVocabTooLargeError);
    expect(() => trainer.model()).toThrow(
      'The text can fill a vocabulary of only 262 tokens: after 6 merges no pair of tokens ' +
        'occurs twice in the 23 bytes trained on, and vocabSize=512 asks for 512.',
    );
  });

  it('refuses a vocabulary size out of range, by name', () => {
    for (const size of [511, 32_769, 1000.5, Number.NaN]) {
      expect(() => new BpeTrainer(counted('ab ab'), size)).toThrow(BpeVocabSizeError);
    }
    expect(() => new BpeTrainer(counted('ab'), 100)).toThrow(
      'A BPE vocabulary of 100 tokens is out of range: choose a whole number from 512 to 32,768',
    );
  });

  it('learns the same merges in steps as at once, and the same on every run', () => {
    const counts = new WordCounts();
    counts.add(mark);
    const trainer = new BpeTrainer(counts, 1024);
    while (trainer.step(37));
    const stepped = trainer.model();
    expect(stepped.merges).toEqual(markModel(1024).merges);
    expect(trainBpe(counts, 1024).merges).toEqual(stepped.merges);
    // A larger vocabulary begins with the smaller one's merges.
    expect(markModel(2048).merges.subarray(0, stepped.merges.length)).toEqual(stepped.merges);
  });

  it('reads each chunk as a text of its own: a word cut by a chunk edge counts as two', () => {
    const whole = counted('abcd');
    const cut = counted('ab', 'cd');
    expect([whole.words.size, cut.words.size]).toEqual([1, 2]);
    expect(cut.bytes).toBe(4);
  });
});

describe('the training sample', () => {
  const MB = 1 << 20;

  it('is every chunk, in order, when the corpus fits', () => {
    expect(sampleRanges(2.5 * MB, 4 * MB)).toEqual([
      { start: 0, end: MB },
      { start: MB, end: 2 * MB },
      { start: 2 * MB, end: 2.5 * MB },
    ]);
  });

  it('is ⌊max / chunk⌋ distinct chunks in file order, the same for the same seed', () => {
    const ranges = sampleRanges(2048 * MB, 96 * MB);
    expect(ranges).toHaveLength(96);
    const starts = ranges.map((r) => r.start / MB);
    expect(starts).toEqual([...new Set(starts)].sort((a, b) => a - b));
    expect(starts.at(-1)).toBeGreaterThan(1500); // spread over the file, not its head
    expect(sampleRanges(2048 * MB, 96 * MB)).toEqual(ranges);
    expect(sampleRanges(2048 * MB, 96 * MB, 1)).not.toEqual(ranges);
  });
});
