import { describe, expect, it } from 'vitest';
import { describeInterval } from '../../src/ui/snapshot-interval';

const fixed = (seconds: number, costMs: number | null) =>
  describeInterval({ mode: 'fixed', seconds, costMs, mtbiSeconds: null });

describe('the snapshot interval line', () => {
  it('says a fixed interval, then what each snapshot costs once one was timed', () => {
    expect(fixed(7, null)).toBe('Snapshots every 7 s (fixed)');
    expect(fixed(60, 450)).toBe('Snapshots every 60 s (fixed; a snapshot takes 0.45 s)');
  });

  it('says when a fixed interval is mostly snapshot work, and that auto spaces them', () => {
    expect(fixed(2, 1240)).toBe(
      'Snapshots every 2 s (fixed; a snapshot takes 1.24 s, 62% of the interval: blank (auto) spaces them by their cost)',
    );
    // Just under a tenth: no advice.
    expect(fixed(10, 990)).toBe('Snapshots every 10 s (fixed; a snapshot takes 0.99 s)');
    expect(fixed(10, 1000)).toContain('10% of the interval');
  });

  it("gives auto's formula with the measured cost", () => {
    const line = describeInterval({ mode: 'auto', seconds: 95, costMs: 1240, mtbiSeconds: 3600 });
    expect(line).toBe(
      "Snapshots every 95 s (auto, Young's √(2·C·M): snapshot cost C 1.24 s, M 60 min between interruptions)",
    );
    expect(
      describeInterval({ mode: 'auto', seconds: 30, costMs: null, mtbiSeconds: 3600 }),
    ).toContain('snapshot cost C not yet measured');
  });
});
