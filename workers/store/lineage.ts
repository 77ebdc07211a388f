import type { SnapshotManifest } from '../../src/shared/snapshot';

type Linked = Pick<SnapshotManifest, 'id' | 'step' | 'parentId'>;

/**
 * The snapshots of one line of a run, newest first: `headId`, its parent, the parent's parent,
 * as far as they are stored. Snapshots of abandoned branches (before a rewind or a roll back)
 * are not on it.
 */
export function lineOf<T extends Linked>(manifests: readonly T[], headId: string | null): T[] {
  const byId = new Map(manifests.map((m) => [m.id, m]));
  const line: T[] = [];
  const seen = new Set<string>();
  for (let id = headId; id !== null && id !== undefined && !seen.has(id);) {
    const m = byId.get(id);
    if (m === undefined) break;
    line.push(m);
    seen.add(id);
    id = m.parentId ?? null;
  }
  return line;
}

/**
 * Where a spike at `spikeStep` rewinds to: the newest snapshot of the line at least `margin`
 * steps before it, else the newest of those at the line's lowest step (the nearest to that
 * margin there is). Retention keeps this snapshot for the next step's spike, so a rewind always
 * finds it.
 */
export function rewindTarget<T extends Linked>(
  line: readonly T[],
  spikeStep: number,
  margin: number,
): T | null {
  const far = line.find((m) => m.step <= spikeStep - margin);
  if (far !== undefined) return far;
  const lowest = Math.min(...line.map((m) => m.step));
  return line.find((m) => m.step === lowest) ?? null;
}
