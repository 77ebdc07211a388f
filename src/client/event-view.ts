import type { TrainerEvent } from '../shared/api';
import type { RewindRecord } from '../shared/snapshot';
import type { ConfigFormController } from '../ui/config-form';
import type { ControlsController } from '../ui/controls';
import type { CorpusStatusController } from '../ui/corpus-status';
import type { ErrorAreaController } from '../ui/error-area';
import type { LossChartController } from '../ui/loss-chart';
import type { NoticeController } from '../ui/notice';
import type { SamplesController } from '../ui/samples';
import type { StatsController } from '../ui/stats';
import type { StorageMeterController } from '../ui/storage-meter';

export interface TrainingView {
  readonly stats: StatsController;
  readonly chart: LossChartController;
  readonly samples: SamplesController;
  readonly notice: NoticeController;
  readonly errors: ErrorAreaController;
  readonly controls: ControlsController;
  readonly form: ConfigFormController;
  readonly storage: StorageMeterController;
  /** The dataset box's token-shard status (corpus=shards). */
  readonly corpus: CorpusStatusController;
}

/** Storage errors whose message already says what happened, what is kept and what to do. */
const SELF_EXPLAINING = new Set([
  'StorageFullError',
  'StorageQuotaError',
  'StorageClosedError',
  'StorageEvictedError',
  'StoreVersionError',
]);

/**
 * Shows one trainer event, whether it came from this tab's worker or another tab's. What the
 * page's state is comes from the page machine alone, never from here.
 */
export function showEvent(view: TrainingView, event: TrainerEvent, runId: string | null): void {
  switch (event.type) {
    case 'progress':
      view.stats.progress(event);
      for (const [step, loss] of event.losses) view.chart.addTrain(step, loss);
      break;
    case 'val':
      view.stats.setValLoss(event.loss, event.bitsPerByte);
      view.chart.addVal(event.step, event.loss);
      // A constant of the run (its validation text's tokens per byte): known from its first.
      if (event.loss > 0 && Number.isFinite(event.bitsPerByte)) {
        view.chart.setBitsPerByteFactor(event.bitsPerByte / event.loss);
      }
      break;
    case 'rewind':
      view.stats.setRewinds(event.rewinds);
      view.stats.setStep(event.rewind.toStep);
      view.chart.rewind(event.rewind);
      view.notice.info(rewindNotice(event.rewind));
      break;
    case 'sample':
      view.samples.show(event.step, event.samples);
      break;
    case 'snapshot-committed':
      if (event.snapshot.runId === runId) view.stats.setLastSnapshotStep(event.snapshot.step);
      // A commit heals every storage fault: the warning goes by itself.
      view.notice.warn('');
      // The site's data was cleared and this snapshot wrote the run again.
      if (event.recovered) view.notice.info(event.recovered.message);
      if (event.mirror !== undefined) view.storage.showSecondCopy(event.mirror);
      break;
    case 'snapshot-failed':
      // Storage faults name themselves and say what to do; others get the context.
      view.notice.warn(
        SELF_EXPLAINING.has(event.error.name)
          ? event.error.message
          : `Snapshots are failing, training goes on and the last good snapshot is kept: ${event.error.message}`,
      );
      break;
    case 'corpus':
      view.corpus.progress(event.progress);
      break;
    case 'snapshot-interval':
    case 'loop-ended':
    case 'device-lost':
      break; // the supervisor, the run transitions and the presenter act on these
  }
}

/** What the notice area says about a rewind of the divergence guard. */
export function rewindNotice(r: RewindRecord): string {
  const why =
    r.reason === 'non-finite'
      ? 'its loss or gradient was not a number'
      : `its loss ${r.loss.toFixed(3)} was over ${(r.loss / (r.mean ?? 1)).toFixed(1)}× the recent mean ${r.mean?.toFixed(3)}`;
  const count = r.skipped.toBatch - r.skipped.fromBatch;
  const lr = r.lrScale === 1 ? '' : ` The learning rate is now ×${r.lrScale} of the schedule's.`;
  return (
    `Loss spike at step ${r.spikeStep} (${why}): rewound to the snapshot at step ${r.toStep} and ` +
    `skipping batches ${r.skipped.fromBatch}–${r.skipped.toBatch - 1} (${count}); training goes on.${lr}`
  );
}
