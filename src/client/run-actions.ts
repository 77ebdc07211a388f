import type { RunConfig, SnapshotPolicy } from '../shared/config';
import type { CorpusSummary } from '../shared/corpus-summary';
import type { ChosenText } from '../ui/dataset-picker';
import { RunBusyError } from '../shared/errors';
import { ACTION_STATES } from './action-states';
import type { Dispatch, MachineState, Outcome } from './page-machine';
import type { RunPresenter } from './run-presenter';
import type { RunTransitions } from './run-transitions';
import type { ShownRunView } from './shown-run';
import type { WorkerAccess } from './worker-supervisor';

/**
 * The user's actions on the run: each is one page action, allowed in the states ACTION_STATES
 * gives it. Those that change the run or this tab's role are exclusive (the controls rest
 * until they have run) and hand the work to the run transitions.
 */
export class RunActions {
  constructor(
    private readonly dispatch: Dispatch,
    private readonly machine: MachineState,
    private readonly trainer: WorkerAccess,
    private readonly shown: ShownRunView,
    private readonly transitions: RunTransitions,
    private readonly presenter: RunPresenter,
  ) {}

  /**
   * Trains the run this tab holds on; without one (idle, or its resume failed), a new run from
   * `config`, the form as it was read at the click. Only that new run reads it: a form left
   * invalid (a refused New run's) does not stop the held run from going on.
   */
  start(config: () => RunConfig): Promise<Outcome> {
    return this.dispatch({
      label: 'Start',
      origin: 'user',
      allowed: ACTION_STATES.start,
      exclusive: true,
      run: async () => {
        if (this.machine.state !== 'idle' && (await this.startHeld())) return 'training';
        return this.transitions.create(config(), this.shown.dataset);
      },
    });
  }

  pause(): Promise<Outcome> {
    return this.dispatch({
      label: 'Pause',
      origin: 'user',
      allowed: ACTION_STATES.pause,
      exclusive: true,
      run: async () => {
        const report = await this.trainer.worker.call((api) => api.pause());
        this.presenter.pausedAt(report.step);
        return 'paused';
      },
    });
  }

  newRun(config: RunConfig, dataset: ChosenText | null = this.shown.dataset): Promise<Outcome> {
    return this.dispatch({
      label: 'New run',
      origin: 'user',
      allowed: ACTION_STATES.newRun,
      exclusive: true,
      // A file chosen while a run waits for its missing token shards is offered to that run.
      run: (enter) =>
        dataset !== null && this.transitions.waitingForCorpus !== null
          ? this.transitions.resumeWithCorpus(dataset, enter)
          : this.transitions.create(config, dataset),
    });
  }

  snapshotNow(): Promise<Outcome> {
    return this.dispatch({
      label: 'Snapshot now',
      origin: 'user',
      allowed: ACTION_STATES.snapshotNow,
      exclusive: false,
      run: async () => void (await this.trainer.worker.call((api) => api.snapshotNow('manual'))),
    });
  }

  /** `?debug=1`: profiles the loop's next step; `show` gets the table as text. */
  profileStep(show: (table: string) => void): Promise<Outcome> {
    return this.dispatch({
      label: 'Profile a step',
      origin: 'user',
      allowed: ACTION_STATES.profileStep,
      exclusive: false,
      run: async () => show(await this.trainer.worker.call((api) => api.profileStep())),
    });
  }

  setSnapshotPolicy(policy: SnapshotPolicy): Promise<Outcome> {
    return this.dispatch({
      label: 'Snapshot interval',
      origin: 'user',
      allowed: ACTION_STATES.snapshotPolicy,
      exclusive: false,
      run: async () => {
        this.presenter.interval(await this.trainer.worker.call((a) => a.setSnapshotPolicy(policy)));
      },
    });
  }

  /** Shows a stored run (trains it if no other tab does, else watches it), or rolls back. */
  openRun(runId: string, snapshotId?: string): Promise<Outcome> {
    const rollBack = snapshotId !== undefined;
    return this.dispatch({
      label: rollBack ? 'Resume from a snapshot' : 'Open run',
      origin: 'user',
      allowed: rollBack ? ACTION_STATES.snapshotList : ACTION_STATES.openRun,
      exclusive: true,
      run: (enter) => this.transitions.open(runId, snapshotId, enter),
    });
  }

  /**
   * Deletes a stored run. When it was the last run reading a corpus, `onUnused` gets that
   * corpus once the deletion has run (the page asks whether to delete it too).
   */
  async deleteRun(runId: string, onUnused?: (corpus: CorpusSummary) => void): Promise<Outcome> {
    // Set inside the action; read once it has run (a refused or failed one leaves it null).
    let unused = null as CorpusSummary | null;
    const outcome = await this.dispatch({
      label: 'Delete run',
      origin: 'user',
      allowed: ACTION_STATES.deleteRun,
      exclusive: true,
      run: async () => {
        const run = this.shown.run;
        const shown = run?.id === runId;
        if (shown && this.machine.state === 'watching') throw new RunBusyError(run.name);
        unused = await this.trainer.worker.call((api) => api.deleteRun(runId));
        this.presenter.refresh(shown ? null : run);
        return shown ? this.transitions.closeShown() : undefined;
      },
    });
    if (unused !== null) onUnused?.(unused);
    return outcome;
  }

  /** Starts the held run's loop; false when the worker holds no run (its resume failed). */
  private async startHeld(): Promise<boolean> {
    try {
      await this.transitions.startLoop();
      return true;
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'NoActiveRunError') return false;
      throw err;
    }
  }
}
