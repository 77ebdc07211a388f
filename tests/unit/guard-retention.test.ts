import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/shared/config';
import type { SnapshotManifest } from '../../src/shared/snapshot';
import { lineOf, rewindTarget } from '../../workers/store';
import { guardAnchor, selectPrunable } from '../../workers/store/testing';
import { makePayload } from './store-fixtures';

/** A line of snapshots at `steps`, each the parent of the next, oldest first. */
async function line(steps: number[], guard: number, prefix = 's'): Promise<SnapshotManifest[]> {
  const out: SnapshotManifest[] = [];
  for (const step of steps) {
    const { manifest } = await makePayload('r', step, { id: `${prefix}${step}` });
    const config = { ...DEFAULT_CONFIG, guard, rewindMargin: 25 };
    out.push({ ...manifest, config, parentId: out[out.length - 1]?.id ?? null });
  }
  return out;
}

describe('while the guard is on, retention', () => {
  it('keeps the newest snapshot of the line at least the margin before the next step', async () => {
    const manifests = await line([0, 10, 20, 30, 40, 50], 1);
    const head = manifests[manifests.length - 1]!;
    const rule = { keepLast: 3, keepBest: false, protect: new Set([head.id]) };
    // A spike at step 51 rewinds to the newest snapshot at or before 26: step 20, kept beside
    // the newest three.
    expect(selectPrunable(manifests, { ...rule, guard: guardAnchor(head) })).toEqual(['s10', 's0']);
    const off = await line([0, 10, 20, 30, 40, 50], 0);
    expect(guardAnchor(off[5]!)).toBeNull();
    expect(selectPrunable(off, { ...rule, guard: null })).toEqual(['s20', 's10', 's0']);
  });

  it('follows the line, not snapshots of an abandoned branch', async () => {
    const main = await line([0, 10, 20], 1);
    // An abandoned branch from step 10 reached 25 and 28 before a rewind or a roll back.
    const [b25, b28] = await line([25, 28], 1, 'b');
    const branch = [
      { ...b25!, parentId: 's10' },
      { ...b28!, parentId: 'b25' },
    ];
    const all = [...main, ...branch];
    expect(lineOf(all, 's20').map((m) => m.id)).toEqual(['s20', 's10', 's0']);
    const target = (spikeStep: number) => rewindTarget(lineOf(all, 's20'), spikeStep, 20)?.id;
    expect(target(40)).toBe('s20');
    expect(target(35)).toBe('s10');
    // Nothing far enough back: the line's lowest step.
    expect(target(15)).toBe('s0');
  });
});
