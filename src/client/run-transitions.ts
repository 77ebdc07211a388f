import type { CorpusSummary } from '../shared/corpus-summary';
import type { LoopEnd, ResumeReport } from '../shared/api';
import type { CorpusFile } from '../shared/corpus-progress';
import type { RunConfig } from '../shared/config';
import { RunNotFoundError } from '../shared/errors';
import { HOLDING, type PageState } from '../shared/page-state';
import type { RunRecord } from '../shared/snapshot';
import type { ChosenText } from '../ui/dataset-picker';
import { ACTION_STATES } from './action-states';
import type { Dispatch, MachineState, Outcome } from './page-machine';
import type { RunLease } from './run-lease';
import type { RunPresenter } from './run-presenter';
import type { ShownRun } from './shown-run';
import { sendableDataset } from './text-transfer';
import type { Recovery, TrainerSupervisor } from './worker-supervisor';

type Enter = (state: PageState) => void;

/**
 * The steps that change which run this tab shows and what it does with it: a new run, a
 * stored run opened (resumed here, or watched while another tab trains it), a takeover, the
 * resume after a restart, and the training loop's start and end. Each runs inside one page
 * action, so none interleaves with another; each says which state it leaves the page in.
 */
export class RunTransitions {
  /** The loop this page started last: a `loop-ended` of any other is stale. */
  private loopId = 0;
  /** A run refused for its missing token shards: the next file chosen is offered to it. */
  private waitingRun: string | null = null;

  constructor(
    private readonly dispatch: Dispatch,
    private readonly machine: MachineState,
    private readonly trainer: Pick<TrainerSupervisor, 'worker' | 'noteFailedStep'>,
    private readonly lease: RunLease,
    private readonly shown: ShownRun,
    private readonly presenter: RunPresenter,
  ) {}

  /** What the page shows first: the newest stored run, else a new one (or nothing). */
  async showFirst(autostart: boolean, config: RunConfig, enter: Enter): Promise<PageState> {
    const runs = await this.trainer.worker.call((api) => api.listRuns());
    // A run without a snapshot cannot be resumed; the page opens the newest complete one.
    const latest = runs.find((run) => run.latestSnapshotId !== null);
    if (latest !== undefined) return this.show(latest, undefined, 'Resuming', enter);
    return autostart ? this.create(config, null) : 'idle';
  }

  async create(config: RunConfig, dataset: ChosenText | null): Promise<PageState> {
    // The worker checks the config and the text before it stops the current run, so a refused
    // new run leaves the current one as it was (and this action fails with nothing changed).
    const { report } = this.trainer.worker;
    const text = await sendableDataset(dataset, config);
    const run = await this.tokenizing(config.corpus === 'shards', (opId) =>
      this.trainer.worker.call((api) => api.newRun(config, text, opId)),
    );
    this.shown.dataset = dataset;
    this.shown.run = run;
    this.waitingRun = null; // a run waiting for its file is no longer the shown one
    // Nobody else can know a run made a moment ago, so its lock is free.
    await this.lease.claim(run.id);
    this.presenter.newRun(run, report);
    await this.startLoop();
    return 'training';
  }

  /** A stored run: rolled back if this tab is its writer, else resumed or watched. */
  async open(runId: string, snapshotId: string | undefined, enter: Enter): Promise<PageState> {
    if (this.shown.run?.id === runId && this.lease.holds(runId)) {
      return this.resume(runId, snapshotId, 'Rolled back', enter);
    }
    const runs = await this.trainer.worker.call((api) => api.listRuns());
    const run = runs.find((r) => r.id === runId);
    if (run === undefined) throw new RunNotFoundError(runId);
    return this.show(run, snapshotId, 'Resuming', enter);
  }

  /** Opens a run just written (an import or a fork) and optionally deletes the one it replaces. */
  async openWritten(
    run: RunRecord,
    enter: Enter,
    replaced: RunRecord | null,
    onUnused?: (corpus: CorpusSummary) => void,
  ): Promise<PageState> {
    const state = await this.open(run.id, undefined, enter);
    if (replaced !== null) {
      const unused = await this.trainer.worker.call((api) => api.deleteRun(replaced.id));
      if (unused !== null) onUnused?.(unused);
    }
    this.presenter.refresh(this.shown.run);
    return state;
  }

  /** The shown run was deleted: this tab lets go of it and shows none. */
  closeShown(): PageState {
    this.lease.release();
    this.shown.run = null;
    this.presenter.noRun();
    return 'idle';
  }

  /** After a restart: the writer resumes the shown run; a follower goes on following. */
  async resumeAfterRestart(enter: Enter, { train, verb }: Recovery): Promise<PageState | void> {
    const run = this.shown.run;
    if (run === null) return 'idle';
    if (!this.lease.holds(run.id)) return undefined;
    return this.resume(run.id, undefined, verb, enter, train);
  }

  /** Starts (again) the run this tab's worker holds. */
  async startLoop(): Promise<void> {
    this.trainer.noteFailedStep(null);
    this.loopId = await this.trainer.worker.call((api) => api.start());
  }

  /** The loop stopped by itself: the step budget is spent, or a step failed. */
  loopEnded(loopId: number, end: LoopEnd): Promise<Outcome> {
    return this.dispatch({
      label: 'Training stopped',
      origin: 'page',
      allowed: ACTION_STATES.loopEnded,
      exclusive: false,
      // Nothing awaits before the failed step is noted: when the machine is free, a lost
      // device's restart, reported right after this event, finds it.
      run: async () => {
        if (loopId !== this.loopId) return undefined; // a loop this page already replaced
        if (end.reason === 'budget') {
          this.presenter.budgetSpent();
          return 'paused';
        }
        this.presenter.stepFailed(end.error);
        this.trainer.noteFailedStep(end.error);
        return 'error';
      },
    });
  }

  /** The run whose token shards are gone, waiting for its file (its resume was refused). */
  get waitingForCorpus(): string | null {
    return this.waitingRun;
  }

  /** The waiting run's file, chosen again: tokenized anew (if it is the same text), resumed. */
  async resumeWithCorpus(chosen: ChosenText, enter: Enter): Promise<PageState> {
    const runId = this.waitingRun;
    if (runId === null) throw new RunNotFoundError('(none waits for a file)');
    const file = { name: chosen.name, file: chosen.file };
    return this.resume(runId, undefined, 'Resuming', enter, true, file);
  }

  /**
   * A call that may tokenize a corpus: Cancel in the dataset box aborts it (its committed
   * shards are kept) while it runs, paused on a full disk or not; Retry wakes such a pause.
   */
  private async tokenizing<T>(shards: boolean, call: (opId: string) => Promise<T>): Promise<T> {
    if (!shards) return call(crypto.randomUUID());
    const opId = crypto.randomUUID();
    const { worker } = this.trainer;
    this.presenter.corpusCancel(() => void worker.call((api) => api.cancel(opId)));
    this.presenter.corpusRetry(() => void worker.call((api) => api.retryCorpusWrite()));
    try {
      return await call(opId);
    } catch (err) {
      this.presenter.corpusStopped();
      throw err;
    } finally {
      this.presenter.corpusCancel(null);
      this.presenter.corpusRetry(null);
      this.presenter.refresh(this.shown.run); // the corpora list: one more, finished or partial
    }
  }

  /** Takes the run's lock and resumes it, or follows the tab that holds the lock. */
  private async show(
    run: RunRecord,
    snapshotId: string | undefined,
    verb: string,
    enter: Enter,
  ): Promise<PageState> {
    if (HOLDING.includes(this.machine.state)) await this.saveHeld();
    if (await this.lease.claim(run.id)) return this.resume(run.id, snapshotId, verb, enter);
    this.shown.run = run;
    this.presenter.watching(run);
    this.lease.follow(run.id, () => void this.takeOver(run.id));
    return 'watching';
  }

  /**
   * Pauses the run this tab writes before letting it go, which commits its state: the next
   * writer resumes exactly it. A worker whose resume failed holds no run, and nothing to save.
   */
  private async saveHeld(): Promise<void> {
    try {
      await this.trainer.worker.call((api) => api.pause());
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name !== 'NoActiveRunError') throw err;
    }
  }

  private takeOver(runId: string): Promise<Outcome> {
    return this.dispatch({
      label: 'Take over',
      origin: 'page',
      allowed: ACTION_STATES.takeOver,
      exclusive: true,
      run: async (enter) => {
        // The tab moved on before the lock came, and let the lock go as it did.
        if (this.shown.run?.id !== runId) return undefined;
        return this.resume(runId, undefined, 'Took over: resuming', enter);
      },
    });
  }

  private async resume(
    runId: string,
    snapshotId: string | undefined,
    verb: string,
    enter: Enter,
    train = true,
    corpusFile?: CorpusFile,
  ): Promise<PageState> {
    enter('resuming');
    let report: ResumeReport;
    try {
      report = await this.tokenizing(corpusFile !== undefined, (opId) =>
        this.trainer.worker.call((api) => api.resumeRun(runId, snapshotId, corpusFile, opId)),
      );
    } catch (err) {
      // Its shards are gone; or the file given for them failed (another text, Cancel): the
      // run waits for its file (again).
      const missing = (err as { name?: unknown } | null)?.name === 'CorpusMissingError';
      if (missing || (corpusFile !== undefined && this.waitingRun === runId)) {
        this.waitingRun = runId;
        const runs = await this.trainer.worker.call((api) => api.listRuns());
        const run = runs.find((r) => r.id === runId);
        if (run !== undefined) this.presenter.corpusWaiting(run);
      }
      throw err;
    }
    this.waitingRun = null;
    this.shown.run = report.run;
    this.presenter.resumed(report, verb);
    if (!train) return 'paused';
    // A run stored at its step budget stays paused: starting it would only be refused.
    const budget = report.run.config.steps;
    if (budget > 0 && report.snapshot.step >= budget) {
      this.presenter.budgetSpent();
      return 'paused';
    }
    await this.startLoop();
    return 'training';
  }
}
