import type { TrainerEvent } from '../shared/api';
import type { RunConfig, SessionSettings } from '../shared/config';
import { HOLDING, type PageState } from '../shared/page-state';
import { ACTION_STATES } from './action-states';
import { PageMachine, type Dispatch, type MachineState, type Outcome } from './page-machine';
import type { PageView } from './page-view';
import { RunActions } from './run-actions';
import { RunLease } from './run-lease';
import { RunPresenter } from './run-presenter';
import { RunTransitions } from './run-transitions';
import { ShownRun, type ShownRunView } from './shown-run';
import { askToPersist } from './storage-persistence';
import {
  reportedByRestart,
  TrainerSupervisor,
  type Recovery,
  type WorkerAccess,
} from './worker-supervisor';

/**
 * The page's side of the shown run, put together: the machine that runs every action one at a
 * time, the worker's supervisor, this tab's lease on the run, the run's actions and
 * transitions, and what the page says. It owns only the boot: what the page shows first, which
 * a restart during the boot decides again.
 */
export class RunOwner {
  /** The page's state, read-only (the debug hook reads it). */
  readonly machine: MachineState;
  /** Queues an action on the machine, for the owners of the other actions. */
  readonly dispatch: Dispatch;
  readonly actions: RunActions;
  private readonly supervisor: TrainerSupervisor;
  private readonly transitions: RunTransitions;
  private readonly run = new ShownRun();
  private readonly presenter: RunPresenter;
  /** Set until the page has decided what it shows first; a restart then decides again. */
  private firstShow: { autostart: boolean; config: RunConfig } | null = null;

  constructor(view: PageView, settings: SessionSettings) {
    const machine = new PageMachine(view, (error) => !reportedByRestart(error));
    const dispatch: Dispatch = (action) => machine.dispatch(action);
    const lease = new RunLease((event) => presenter.relayedEvent(event));
    const presenter = new RunPresenter(view, this.run, machine, lease);
    const trainer = new TrainerSupervisor(settings, machine, dispatch, {
      connected: (report, interval) => presenter.connected(report, interval),
      event: (event) => this.onWorkerEvent(event),
      recover: (enter, recovery) => this.recover(enter, recovery),
      clearError: () => view.errors.clear(),
    });
    const transitions = new RunTransitions(dispatch, machine, trainer, lease, this.run, presenter);
    this.machine = machine;
    this.dispatch = dispatch;
    this.supervisor = trainer;
    this.presenter = presenter;
    this.transitions = transitions;
    this.actions = new RunActions(dispatch, machine, trainer, this.run, transitions, presenter);
  }

  /** The shown run, read-only. */
  get shown(): ShownRunView {
    return this.run;
  }

  /** The worker's calls. */
  get trainer(): WorkerAccess {
    return this.supervisor;
  }

  /** Opens a run an import or a fork has just written, as any stored run is opened. */
  get opener(): Pick<RunTransitions, 'openWritten'> {
    return this.transitions;
  }

  boot(autostart: boolean, config: RunConfig): Promise<Outcome> {
    return this.dispatch({
      label: 'Starting the page',
      origin: 'page',
      allowed: ACTION_STATES.boot,
      exclusive: true,
      run: async (enter) => {
        this.firstShow = { autostart, config };
        await this.supervisor.connect();
        this.presenter.noteRestored(this.supervisor.worker.report.restored ?? []);
        askToPersist();
        return this.showFirst(enter);
      },
    });
  }

  /** The tab may be about to die (hidden, closed, discarded): save now, outside the queue. */
  snapshotOnRisk(): void {
    if (!HOLDING.includes(this.machine.state)) return;
    this.supervisor.send((worker) => worker.api.snapshotNow('hidden'));
  }

  private onWorkerEvent(event: TrainerEvent): void {
    if (event.type === 'loop-ended') void this.transitions.loopEnded(event.loopId, event.end);
    else this.presenter.workerEvent(event);
  }

  private recover(enter: (s: PageState) => void, recovery: Recovery) {
    if (this.firstShow !== null) return this.showFirst(enter);
    return this.transitions.resumeAfterRestart(enter, recovery);
  }

  private async showFirst(enter: (s: PageState) => void): Promise<PageState> {
    const { autostart, config } = this.firstShow!;
    const state = await this.transitions.showFirst(autostart, config, enter);
    this.firstShow = null;
    return state;
  }
}
