import { describe, expect, it } from 'vitest';
import { configFromParams } from '../../src/shared/config-params';
import { SnapshotInterval, youngSeconds } from '../../workers/snapshot/snapshot-interval';

describe("Young's snapshot interval", () => {
  it('is sqrt(2·C·M), clamped to [5 s, 10 min]', () => {
    expect(youngSeconds(200, 3600)).toBeCloseTo(Math.sqrt(2 * 0.2 * 3600), 10); // ≈ 37.9 s
    expect(youngSeconds(1, 60)).toBe(5);
    expect(youngSeconds(60_000, 86_400)).toBe(600);
  });

  it('follows the measured cost, smoothed, in auto mode', () => {
    const interval = new SnapshotInterval({ kind: 'auto', mtbiSeconds: 3600 });
    expect(interval.info().costMs).toBeNull();
    interval.recordCost(200);
    const first = interval.seconds();
    expect(first).toBeCloseTo(youngSeconds(200, 3600), 10);
    interval.recordCost(2000);
    expect(interval.seconds()).toBeGreaterThan(first);
    expect(interval.seconds()).toBeLessThan(youngSeconds(2000, 3600));
  });

  it('keeps a fixed interval whatever the cost', () => {
    const interval = new SnapshotInterval({ kind: 'fixed', seconds: 7 });
    interval.recordCost(50_000);
    expect(interval.seconds()).toBe(7);
    expect(interval.info()).toMatchObject({ mode: 'fixed', seconds: 7, mtbiSeconds: null });
  });

  it('is set from the URL: snapshotSeconds fixes it, mtbiSeconds tunes auto', () => {
    expect(configFromParams(new URLSearchParams('snapshotSeconds=2')).settings.snapshot).toEqual({
      kind: 'fixed',
      seconds: 2,
    });
    expect(configFromParams(new URLSearchParams('mtbiSeconds=600')).settings.snapshot).toEqual({
      kind: 'auto',
      mtbiSeconds: 600,
    });
    expect(() => configFromParams(new URLSearchParams('snapshotSeconds=0'))).toThrow(/between 1/);
  });
});
