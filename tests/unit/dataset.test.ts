import { describe, expect, it } from 'vitest';
import { BOUNDARY, buildDataset, gatherBatch } from '../../workers/training/dataset';

const text = Array.from({ length: 40 }, (_, i) => `name${String.fromCharCode(97 + (i % 26))}`).join(
  '\n',
);

describe('buildDataset', () => {
  it('builds a vocabulary with the boundary first and a document-level split', () => {
    const ds = buildDataset(text);
    expect(ds.vocab[0]).toBe('\n');
    expect(ds.vocab.slice(1)).toEqual([...ds.vocab.slice(1)].sort());
    expect(ds.val.targets.length).toBeGreaterThan(0);
    // Every document contributes its characters plus a closing boundary.
    expect(ds.train.targets.length + ds.val.targets.length).toBe(40 * 6);
  });

  it('refuses text with too few lines or too many characters', () => {
    expect(() => buildDataset('a\nb\nc')).toThrow(/at least 10/);
    const wide = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('\n');
    expect(() => buildDataset(wide)).toThrow(/distinct characters/);
  });
});

describe('gatherBatch', () => {
  it('clips windows at the document start and masks padding targets', () => {
    const ds = buildDataset(text);
    const split = ds.train;
    const { x, y } = gatherBatch(split, [0, 1], 3, false);
    // The first example predicts the first character from an all-boundary window.
    expect([...x.slice(0, 3)]).toEqual([BOUNDARY, BOUNDARY, BOUNDARY]);
    expect(y[0]).toBe(split.tokens[1]);
    expect([...x.slice(3, 6)]).toEqual([BOUNDARY, BOUNDARY, split.tokens[1]]);
    const all = gatherBatch(split, [1], 3, true);
    expect([...all.mask!]).toEqual([0, 1, 1]);
    expect(all.y[2]).toBe(split.tokens[2]);
  });
});
