import { batchNumber } from '../../src/shared/data-cursor';
import { SnapshotError } from '../../src/shared/errors';
import type { RewindRecord } from '../../src/shared/snapshot';
import { rewindTarget } from '../store';
import type { Spike } from './divergence-guard';
import type { TrainingSession } from './session';
import type { LoopSnapshots } from './snapshot-port';
import { trainingExamples } from './text-dataset';
import { payloadTensors, restoreTensors } from './state-capture';

/**
 * Undoes a spike: the session goes back to the newest committed snapshot of its line at least
 * `rewindMargin` steps before the spike, the batches from there through the spike's join the
 * skip list, the learning rate takes the rewind's factor, and the rewound state is committed
 * at once. The spike's update never stands: the session's whole state is replaced, and no
 * snapshot was captured after the spike (the loop judges a step before its step boundary).
 */
export async function rewind(
  session: TrainingSession,
  snapshotter: LoopSnapshots,
  spike: Spike,
): Promise<RewindRecord> {
  const result = session.lastStep;
  const spikeBatch = session.sampler.lastBatch;
  if (result === null || spikeBatch === null) throw new Error('rewind before any step');
  const { config } = session;
  const before = session.guard;
  const target = rewindTarget(await snapshotter.line(), result.step, config.rewindMargin);
  if (target === null) {
    throw new SnapshotError(
      `The loss diverged at step ${result.step}, and this run has no committed snapshot to rewind to. Start a new run with a lower learning rate.`,
    );
  }
  const payload = await snapshotter.load(target.id);
  const { manifest } = payload;
  session.setHost(manifest);
  await restoreTensors(session, payloadTensors(payload));
  const size = trainingExamples(session.dataset, config.context);
  const skipped = {
    fromBatch: batchNumber(manifest.cursor, size, config.batch),
    toBatch: spikeBatch + 1,
  };
  const lrScale = before.lrScale * config.rewindLrFactor;
  const record: RewindRecord = {
    spikeStep: result.step,
    reason: spike.reason,
    loss: result.loss,
    gradNorm: result.gradNorm,
    mean: spike.mean,
    toSnapshotId: manifest.id,
    toStep: manifest.step,
    skipped,
    lrScale,
  };
  // The history and the skip list of the line so far stay: a rewind to a snapshot older than
  // an earlier rewind still passes over that rewind's batches and counts it.
  session.setGuard({
    skips: [...before.skips, skipped],
    rewinds: [...before.rewinds, record],
    lrScale,
  });
  await snapshotter.commitRewind(manifest);
  return record;
}
