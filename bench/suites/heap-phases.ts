import type { HeapWindow } from '../bench-api';
import { epochNow } from './stats';

/**
 * Read by the runner over the DevTools protocol: it samples the heap during 'baseline' and
 * 'snapshot', and on a '-gc' phase collects garbage and acknowledges through benchHeapAck.
 */
export type HeapPhase =
  'baseline-gc' | 'baseline' | 'snapshot-gc' | 'snapshot' | 'retained-gc' | 'done';
interface HeapFlags {
  benchHeapPhase?: HeapPhase;
  benchHeapAck?: HeapPhase;
}
const flags = globalThis as HeapFlags;

/** Sets the phase; a '-gc' phase waits (up to 3 s, when no runner is attached) for the ack. */
export async function setHeapPhase(phase: HeapPhase): Promise<void> {
  flags.benchHeapPhase = phase;
  const until = performance.now() + 3000;
  while (phase.endsWith('-gc') && flags.benchHeapAck !== phase && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The heap window of work that commits no snapshot (tokenizing, a download, steps from shards):
 * a collection, an idle baseline of `baselineMs`, a collection, then `measured` in the sampled
 * phase. The caller ends the phase ('done', or a further one).
 */
export async function measureHeap<T>(
  baselineMs: number,
  measured: () => Promise<T>,
): Promise<{ result: T; window: HeapWindow }> {
  await setHeapPhase('baseline-gc');
  const baselineStart = epochNow();
  await setHeapPhase('baseline');
  await new Promise((resolve) => setTimeout(resolve, baselineMs));
  await setHeapPhase('snapshot-gc');
  const snapshotStart = epochNow();
  await setHeapPhase('snapshot');
  const result = await measured();
  const end = epochNow();
  return { result, window: { baselineStart, snapshotStart, firstCommit: end, end } };
}
