import type { RestoredRunReport, TrainerEvent, UserDataset } from '../shared/api';
import type { RunConfig, SessionSettings, SnapshotPolicy } from '../shared/config';
import { RunBusyError, RunNotFoundError, type SerializedError } from '../shared/errors';
import type { RunRecord } from '../shared/snapshot';
import { showEvent } from './event-view';
import { PageMachine, type Outcome, type PageAction } from './page-machine';
import type { PageState } from './page-state';
import { PageView } from './page-view';
import { ProgressChannel } from './progress-channel';
import { RestartBudget } from './restart-budget';
import { RunLock } from './run-lock';
import { connectTrainer, type TrainerConnection } from './trainer-client';
import { TrainerCrashedError } from '../shared/errors';

/** States in which this tab holds a run it may train. */
const HOLDING: readonly PageState[] = ['training', 'paused', 'error'];
const ANY_SETTLED: readonly PageState[] = ['idle', 'training', 'paused', 'watching', 'error'];

/**
 * The page's side of the shown run: which run it is, whether this tab trains it (it holds the
 * run's Web Lock) or watches another tab train it, and the worker that trains it. Every change
 * goes through the PageMachine as one action, so user clicks and the page's own transitions
 * (boot, takeover, restart after a crash, the end of a loop) never interleave.
 */
export class RunOwner {
  readonly machine: PageMachine;
  private connection: TrainerConnection | null = null;
  private run: RunRecord | null = null;
  /** Set once this tab's worker holds the shown run (a new run, or a resumed one). */
  private holding = false;
  private loopId: number | null = null;
  /** The error the loop stopped with, shown; a restart that follows at once takes it over. */
  private failedStep: SerializedError | null = null;
  private dataset: UserDataset | null = null;
  private readonly lock = new RunLock();
  private readonly channel: ProgressChannel;
  private readonly restarts = new RestartBudget();
  /** Said once, with the first resume: runs the boot restored from their second copy. */
  private bootNote: string | null = null;
  /** Set until the page has decided what it shows first; a restart then decides again. */
  private firstShow: { autostart: boolean; config: RunConfig } | null = null;

  constructor(
    readonly view: PageView,
    private readonly settings: SessionSettings,
  ) {
    this.machine = new PageMachine(view, (error) => !isCrash(error));
    this.channel = new ProgressChannel((event) => showEvent(view, event, this.run?.id ?? null));
  }

  get currentRun(): RunRecord | null {
    return this.run;
  }

  get userDataset(): UserDataset | null {
    return this.dataset;
  }

  /** The connected worker's calls; rejects with TrainerCrashedError if it dies meanwhile. */
  get worker(): TrainerConnection {
    if (this.connection === null)
      throw new TrainerCrashedError('the trainer is not running', false);
    return this.connection;
  }

  /** An action through the machine, for the checkpoint and list actions built elsewhere. */
  dispatch(action: PageAction): Promise<Outcome> {
    return this.machine.dispatch(action);
  }

  boot(autostart: boolean, config: RunConfig): Promise<Outcome> {
    return this.dispatch({
      label: 'Starting the page',
      origin: 'page',
      allowed: ['booting'],
      exclusive: true,
      run: async (enter) => {
        this.firstShow = { autostart, config };
        await this.connect();
        this.bootNote = restoredNote(this.worker.report.restored ?? []);
        void navigator.storage?.persist?.().catch(() => false);
        return this.decide(autostart, config, enter);
      },
    });
  }

  /** What the page shows first: the newest stored run, else a new one (or nothing). */
  private async decide(
    autostart: boolean,
    config: RunConfig,
    enter: (s: PageState) => void,
  ): Promise<PageState> {
    const runs = await this.worker.call((api) => api.listRuns());
    // A run without a snapshot cannot be resumed; the page opens the newest complete one.
    const latest = runs.find((run) => run.latestSnapshotId !== null);
    const state =
      latest !== undefined
        ? await this.show(latest, undefined, 'Resuming', enter)
        : autostart
          ? await this.createRun(config, null)
          : 'idle';
    this.firstShow = null;
    return state;
  }

  start(config: RunConfig): Promise<Outcome> {
    return this.dispatch({
      label: 'Start',
      origin: 'user',
      allowed: ['idle', 'paused', 'error'],
      exclusive: true,
      run: async () => {
        if (!this.holding) return this.createRun(config, this.dataset);
        await this.startLoop();
        return 'training';
      },
    });
  }

  pause(): Promise<Outcome> {
    return this.dispatch({
      label: 'Pause',
      origin: 'user',
      allowed: ['training'],
      exclusive: true,
      run: async () => {
        this.loopId = null;
        const report = await this.worker.call((api) => api.pause());
        this.view.stats.setStep(report.step);
        return 'paused';
      },
    });
  }

  newRun(config: RunConfig, dataset: UserDataset | null = this.dataset): Promise<Outcome> {
    return this.dispatch({
      label: 'New run',
      origin: 'user',
      allowed: ANY_SETTLED,
      exclusive: true,
      run: () => this.createRun(config, dataset),
    });
  }

  snapshotNow(): Promise<Outcome> {
    return this.dispatch({
      label: 'Snapshot now',
      origin: 'user',
      allowed: ['training', 'paused'],
      exclusive: false,
      run: async () => void (await this.worker.call((api) => api.snapshotNow('manual'))),
    });
  }

  setSnapshotPolicy(policy: SnapshotPolicy): Promise<Outcome> {
    return this.dispatch({
      label: 'Snapshot interval',
      origin: 'user',
      allowed: ANY_SETTLED,
      exclusive: false,
      run: async () => {
        this.view.showInterval(await this.worker.call((api) => api.setSnapshotPolicy(policy)));
      },
    });
  }

  /** Shows a stored run: trains it if no other tab does, else watches it. */
  openRun(runId: string, snapshotId?: string): Promise<Outcome> {
    return this.dispatch({
      label: snapshotId === undefined ? 'Open run' : 'Resume from a snapshot',
      origin: 'user',
      allowed: snapshotId === undefined ? ANY_SETTLED : HOLDING,
      exclusive: true,
      run: (enter) => this.openStored(runId, snapshotId, enter),
    });
  }

  deleteRun(runId: string): Promise<Outcome> {
    return this.dispatch({
      label: 'Delete run',
      origin: 'user',
      allowed: ANY_SETTLED,
      exclusive: true,
      run: async () => {
        const shown = this.run?.id === runId;
        if (shown && this.machine.state === 'watching') throw new RunBusyError(this.run!.name);
        await this.worker.call((api) => api.deleteRun(runId));
        this.view.refresh(shown ? null : this.run);
        if (!shown) return undefined;
        this.leave();
        this.run = null;
        this.view.showRun(null);
        return 'idle';
      },
    });
  }

  /** Opens a run just written (an import or a fork) and optionally deletes the one it replaces. */
  async openWritten(run: RunRecord, enter: (s: PageState) => void, replaced: RunRecord | null) {
    const state = await this.openStored(run.id, undefined, enter);
    if (replaced !== null) await this.worker.call((api) => api.deleteRun(replaced.id));
    this.view.refresh(this.run);
    return state;
  }

  /** The tab may be about to die (hidden, closed, discarded): save now, outside the queue. */
  snapshotOnRisk(): void {
    if (this.holding && this.connection !== null) {
      this.connection.api.snapshotNow('hidden').catch(() => undefined);
    }
  }

  private async connect(): Promise<void> {
    this.connection = await connectTrainer(
      this.settings.backend,
      (event) => this.onWorkerEvent(event),
      (message) => void this.restart(`the worker crashed (${message})`),
    );
    const { backend, fallbackReason } = this.connection.report;
    this.view.stats.setBackend(backend, fallbackReason);
    const policy = this.settings.snapshot;
    this.view.showInterval(await this.worker.call((api) => api.setSnapshotPolicy(policy)));
  }

  private onWorkerEvent(event: TrainerEvent): void {
    if (event.type === 'device-lost') {
      void this.restart(`the GPU device was lost (${event.message})`);
      return;
    }
    if (event.type === 'loop-ended') {
      void this.loopEnded(event.loopId, event.end);
      return;
    }
    if (!this.holding || this.run === null) return;
    showEvent(this.view, event, this.run.id);
    // Storage was cleared under this tab: ask again to keep it from now on.
    if (event.type === 'snapshot-committed' && event.recovered) {
      void navigator.storage?.persist?.().catch(() => false);
    }
    if (event.type === 'snapshot-interval') this.view.showInterval(event.interval);
    this.channel.publish(this.run.id, event);
    if (event.type === 'snapshot-committed') this.view.refresh(this.run);
  }

  /** The loop stopped by itself: the step budget is spent, or a step failed. */
  private loopEnded(
    loopId: number,
    end: { reason: 'budget' } | { reason: 'error'; error: SerializedError },
  ) {
    return this.dispatch({
      label: 'Training stopped',
      origin: 'page',
      allowed: ['training'],
      exclusive: false,
      run: async () => {
        if (loopId !== this.loopId) return undefined; // a loop this page already stopped
        this.loopId = null;
        if (end.reason === 'budget') {
          this.view.notice.info(`${this.run?.name ?? 'The run'} has trained its step budget.`);
          return 'paused';
        }
        this.view.errors.show(end.error);
        this.failedStep = end.error;
        return 'error';
      },
    });
  }

  private async createRun(config: RunConfig, dataset: UserDataset | null): Promise<PageState> {
    // The worker checks the config and the text before it stops the current run, so a refused
    // new run leaves the current one as it was (and this action fails with nothing changed).
    const run = await this.worker.call((api) => api.newRun(config, dataset));
    this.leave();
    this.dataset = dataset;
    this.run = run;
    this.holding = true;
    const { backend, fallbackReason } = this.worker.report;
    this.view.stats.setBackend(backend, fallbackReason);
    // Nobody else can know a run made a moment ago, so its lock is free.
    await this.lock.tryAcquire(run.id);
    this.view.showRun(run);
    this.view.stats.setLastSnapshotStep(0);
    this.view.notice.info(`New run: ${run.name}`);
    this.view.refresh(run);
    await this.startLoop();
    return 'training';
  }

  private async openStored(
    runId: string,
    snapshotId: string | undefined,
    enter: (s: PageState) => void,
  ): Promise<PageState> {
    if (this.holding && this.run?.id === runId) {
      return this.resume(runId, snapshotId, 'Rolled back', enter);
    }
    const runs = await this.worker.call((api) => api.listRuns());
    const run = runs.find((r) => r.id === runId);
    if (run === undefined) throw new RunNotFoundError(runId);
    return this.show(run, snapshotId, 'Resuming', enter);
  }

  /** Takes the run's lock and resumes it, or watches the tab that holds the lock. */
  private async show(
    run: RunRecord,
    snapshotId: string | undefined,
    verb: string,
    enter: (s: PageState) => void,
  ): Promise<PageState> {
    if (this.holding) {
      this.loopId = null;
      await this.worker.call((api) => api.pause());
    }
    this.leave();
    if (await this.lock.tryAcquire(run.id)) return this.resume(run.id, snapshotId, verb, enter);
    this.follow(run);
    return 'watching';
  }

  private follow(run: RunRecord): void {
    this.run = run;
    this.view.showRun(run);
    this.channel.watch(run.id);
    this.view.notice.info(
      `${run.name} is training in another tab. This tab shows its progress and takes over if that tab closes.`,
    );
    this.view.refresh(run);
    this.lock.waitFor(run.id, () => void this.takeOver(run.id));
  }

  private takeOver(runId: string): Promise<Outcome> {
    return this.dispatch({
      label: 'Take over',
      origin: 'page',
      allowed: ['watching'],
      exclusive: true,
      run: async (enter) => {
        if (this.run?.id !== runId) {
          this.lock.release(); // the tab moved on before the lock came
          return undefined;
        }
        this.channel.watch(null);
        return this.resume(runId, undefined, 'Took over: resuming', enter);
      },
    });
  }

  private async resume(
    runId: string,
    snapshotId: string | undefined,
    verb: string,
    enter: (s: PageState) => void,
    train = true,
  ): Promise<PageState> {
    enter('resuming');
    this.loopId = null;
    this.holding = false;
    const report = await this.worker.call((api) => api.resumeRun(runId, snapshotId));
    const { run, snapshot } = report;
    this.run = run;
    this.holding = true;
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
    if (!train) return 'paused';
    await this.startLoop();
    return 'training';
  }

  private async startLoop(): Promise<void> {
    this.failedStep = null;
    this.loopId = await this.worker.call((api) => api.start());
  }

  /** Stops showing the current run: lets go of its lock and of any other tab's progress. */
  private leave(): void {
    this.channel.watch(null);
    this.lock.release();
    this.holding = false;
    this.loopId = null;
  }

  /** Replaces a dead worker and resumes the run from its newest good snapshot. */
  private restart(reason: string): Promise<Outcome> {
    // A lost GPU fails the step that was running before its loss is reported: that failure is
    // part of this recovery, which takes it out of the error area into its notice.
    const failed = this.failedStep;
    const wasTraining =
      this.loopId !== null || this.machine.state === 'resuming' || failed !== null;
    this.failedStep = null;
    if (failed !== null) this.view.errors.clear();
    const cause = failed === null ? '' : ` (the step then running failed: ${failed.message})`;
    this.connection?.terminate();
    this.connection = null;
    return this.dispatch({
      label: 'Restart the trainer',
      origin: 'page',
      allowed: ['booting', ...ANY_SETTLED],
      exclusive: true,
      run: async (enter) => {
        if (this.connection !== null) return undefined; // another restart already did it
        if (!this.restarts.take()) throw new TrainerCrashedError(reason, true);
        enter('resuming');
        await this.connect();
        if (this.firstShow !== null) {
          return this.decide(this.firstShow.autostart, this.firstShow.config, enter);
        }
        const run = this.run;
        if (run === null || !this.holding) return this.run === null ? 'idle' : undefined;
        const verb = `Restarted the trainer after ${reason}${cause}. Resuming`;
        return this.resume(run.id, undefined, verb, enter, wasTraining);
      },
    });
  }
}

/** What the page says about runs restored from their second copy at boot. */
function restoredNote(restored: readonly RestoredRunReport[]): string | null {
  if (restored.length === 0) return null;
  const runs = restored.map((r) => `"${r.name}" at step ${r.step}`).join(', ');
  return `The browser's database had lost ${restored.length === 1 ? 'a run' : 'runs'}: restored ${runs} from the second copy`;
}

function isCrash(error: SerializedError): boolean {
  return error.name === 'TrainerCrashedError' && !error.message.includes('repeatedly');
}
