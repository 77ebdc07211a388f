import { describe, expect, it } from 'vitest';
import { BatchSampler, epochPermutation } from '../../src/shared/data-cursor';

describe('epochPermutation', () => {
  it('is a permutation and a pure function of (seed, epoch)', () => {
    const p = epochPermutation(5, 3, 1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochPermutation(5, 3, 1000)).toEqual(p);
    expect(epochPermutation(5, 4, 1000)).not.toEqual(p);
    expect(epochPermutation(6, 3, 1000)).not.toEqual(p);
  });
});

describe('BatchSampler', () => {
  it('walks the epoch in permutation order and moves to the next epoch', () => {
    const sampler = new BatchSampler(9, 10, 4);
    const perm0 = epochPermutation(9, 0, 10);
    expect([...sampler.next()]).toEqual([...perm0.slice(0, 4)]);
    expect([...sampler.next()]).toEqual([...perm0.slice(4, 8)]);
    expect(sampler.position()).toEqual({ epoch: 0, index: 8 });
    // Two examples are left: drop_last moves on to epoch 1.
    expect([...sampler.next()]).toEqual([...epochPermutation(9, 1, 10).slice(0, 4)]);
    expect(sampler.position()).toEqual({ epoch: 1, index: 4 });
  });

  it('continues identically from a saved cursor', () => {
    const a = new BatchSampler(1, 50, 8);
    for (let i = 0; i < 9; i++) a.next();
    const b = new BatchSampler(1, 50, 8, a.position());
    for (let i = 0; i < 20; i++) expect([...b.next()]).toEqual([...a.next()]);
  });

  it('refuses a batch larger than the data', () => {
    expect(() => new BatchSampler(1, 5, 6)).toThrow(/exceeds/);
  });
});
