import type { BackendReport, RestoredRunReport, ResumeReport, TrainerEvent } from '../shared/api';
import type { SnapshotIntervalInfo } from '../shared/config';
import type { SerializedError } from '../shared/errors';
import { HOLDING } from '../shared/page-state';
import type { RunRecord } from '../shared/snapshot';
import { showEvent } from './event-view';
import type { MachineState } from './page-machine';
import type { PageView } from './page-view';
import type { RunLease } from './run-lease';
import type { ShownRunView } from './shown-run';
import { askToPersist } from './storage-persistence';

/**
 * What the page says about the shown run: the worker's events routed to the view (and relayed
 * to the tabs that follow the run), another tab's relayed events, and the notices of the run
 * transitions (a new run, a resume with what it skipped, watching, the step budget). What the
 * page's state is comes from the machine alone, never from here.
 */
export class RunPresenter {
  /** Said once, with the first resume: runs the boot restored from their second copy. */
  private bootNote: string | null = null;

  constructor(
    private readonly view: PageView,
    private readonly shown: ShownRunView,
    private readonly machine: MachineState,
    private readonly lease: Pick<RunLease, 'publish'>,
  ) {}

  connected(report: BackendReport, interval: SnapshotIntervalInfo): void {
    this.view.stats.setBackend(report.backend, report.fallbackReason);
    this.view.showInterval(interval);
  }

  /** The boot's worker restored runs IndexedDB had lost: said with the first resume. */
  noteRestored(restored: readonly RestoredRunReport[]): void {
    this.bootNote = restoredNote(restored);
  }

  /** An event of this tab's worker: shown and relayed while this tab is the run's writer. */
  workerEvent(event: TrainerEvent): void {
    // A corpus is tokenized before its run exists (or resumes): shown whatever the state.
    if (event.type === 'corpus') {
      this.view.corpus.progress(event.progress);
      return;
    }
    const run = this.shown.run;
    if (!HOLDING.includes(this.machine.state) || run === null) return;
    showEvent(this.view, event, run.id);
    // Storage was cleared under this tab: ask again to keep it from now on.
    if (event.type === 'snapshot-committed' && event.recovered) askToPersist();
    if (event.type === 'snapshot-interval') this.view.showInterval(event.interval);
    this.lease.publish(run.id, event);
    if (event.type === 'snapshot-committed') this.view.refresh(run);
  }

  /** Another tab's event for the run this tab follows. */
  /** A run's token shards are gone: the dataset box asks for the same file. */
  corpusWaiting(run: RunRecord): void {
    this.view.corpus.waiting(run.dataset.name, run.dataset.corpus?.bytes ?? 0);
  }

  /** A tokenization failed or was cancelled: the dataset box stops saying it goes on. */
  corpusStopped(): void {
    this.view.corpus.stopped();
  }

  /** Cancel in the dataset box stops the tokenization in flight (null: none is). */
  corpusCancel(cancel: (() => void) | null): void {
    this.view.corpus.setCancel(cancel);
  }

  /** Retry in the dataset box wakes a tokenization a full disk paused (null: none runs). */
  corpusRetry(retry: (() => void) | null): void {
    this.view.corpus.setRetry(retry);
  }

  relayedEvent(event: TrainerEvent): void {
    showEvent(this.view, event, this.shown.run?.id ?? null);
  }

  interval(info: SnapshotIntervalInfo): void {
    this.view.showInterval(info);
  }

  pausedAt(step: number): void {
    this.view.stats.setStep(step);
  }

  budgetSpent(): void {
    this.view.notice.info(`${this.shown.run?.name ?? 'The run'} has trained its step budget.`);
  }

  stepFailed(error: SerializedError): void {
    this.view.errors.show(error);
  }

  /** A run made a moment ago, on the worker's own backend (a new run gets init's choice). */
  newRun(run: RunRecord, backend: BackendReport): void {
    this.view.stats.setBackend(backend.backend, backend.fallbackReason);
    this.view.showRun(run);
    this.view.stats.setLastSnapshotStep(0);
    this.view.notice.info(`New run: ${run.name}`);
    this.view.refresh(run);
  }

  /** A stored run resumed: `verb` says why ("Resuming", "Rolled back", a restart's cause). */
  resumed(report: ResumeReport, verb: string): void {
    const { run, snapshot } = report;
    this.view.stats.setBackend(report.backend.backend, report.backend.fallbackReason);
    this.view.showResumed(report);
    const saved = new Date(snapshot.createdAt).toLocaleString();
    const skipped = report.skipped.map(
      (s) => `the snapshot at step ${s.step} was skipped: ${s.reason}`,
    );
    const note = this.bootNote === null ? [] : [this.bootNote];
    this.bootNote = null;
    const resumed = `${verb} ${run.name} from step ${snapshot.step} (saved ${saved})`;
    this.view.notice.info([resumed, ...skipped, ...note].join('. '));
    this.view.refresh(run);
  }

  watching(run: RunRecord): void {
    this.view.showRun(run);
    this.view.notice.info(
      `${run.name} is training in another tab. This tab shows its progress and takes over if that tab closes.`,
    );
    this.view.refresh(run);
  }

  /** The lists again, with `run` shown (or none). */
  refresh(run: RunRecord | null): void {
    this.view.refresh(run);
  }

  /** No run is shown any more (it was deleted). */
  noRun(): void {
    this.view.showRun(null);
  }
}

/** What the page says about runs restored from their second copy at boot. */
function restoredNote(restored: readonly RestoredRunReport[]): string | null {
  if (restored.length === 0) return null;
  const runs = restored.map((r) => `"${r.name}" at step ${r.step}`).join(', ');
  return `The browser's database had lost ${restored.length === 1 ? 'a run' : 'runs'}: restored ${runs} from the second copy`;
}
