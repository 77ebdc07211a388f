import type { BackendReport, TrainerEvent } from '../shared/api';
import type { SessionSettings, SnapshotIntervalInfo } from '../shared/config';
import { TrainerCrashedError, type SerializedError } from '../shared/errors';
import type { PageState } from '../shared/page-state';
import { ACTION_STATES } from './action-states';
import type { Dispatch, MachineState, Outcome } from './page-machine';
import { RestartBudget } from './restart-budget';
import { connectTrainer, type TrainerConnection } from './trainer-client';

/** The worker as the other owners use it: its calls, never its replacement. */
export interface WorkerAccess {
  /** The connected worker; throws TrainerCrashedError while there is none (it is restarting). */
  readonly worker: TrainerConnection;
}

/** How the page goes on once a restart has connected a new worker. */
export interface Recovery {
  /** Train again (the page trained, was resuming, or a step had just failed), or stay paused. */
  readonly train: boolean;
  /** The notice's opening: what happened, then "Resuming". */
  readonly verb: string;
}

export interface SupervisorHooks {
  /** A worker is connected: its backend and the snapshot interval it now keeps. */
  connected(report: BackendReport, interval: SnapshotIntervalInfo): void;
  /** Every event of the worker but a lost device, which the supervisor acts on itself. */
  event(event: TrainerEvent): void;
  /** What the page shows again once a new worker is connected. */
  recover(enter: (state: PageState) => void, recovery: Recovery): Promise<PageState | void>;
  /** Takes a failed step's error out of the error area: the restart's notice reports it. */
  clearError(): void;
}

/**
 * True for a worker that died under a call while the page restarts it by itself: the restart's
 * notice reports it, so the error area does not. Once the restarts are spent (`repeatedly`),
 * the crash is the page's error and is shown.
 */
export function reportedByRestart(error: SerializedError): boolean {
  return error.name === 'TrainerCrashedError' && error.repeatedly === false;
}

/**
 * Owns the training worker: connects it, and replaces it when it dies or loses its GPU, at most
 * 3 times in 5 minutes (then the page shows TrainerCrashedError). A restart is one page action:
 * the dead worker is terminated at once (its pending calls reject), the new one is connected
 * when the restart's turn comes, and the page then resumes what it showed.
 */
export class TrainerSupervisor implements WorkerAccess {
  private connection: TrainerConnection | null = null;
  private readonly restarts = new RestartBudget();
  /** The error the loop stopped with, shown; a restart that follows at once takes it over. */
  private failedStep: SerializedError | null = null;

  constructor(
    private readonly settings: SessionSettings,
    private readonly machine: MachineState,
    private readonly dispatch: Dispatch,
    private readonly hooks: SupervisorHooks,
    private readonly connectWorker: typeof connectTrainer = connectTrainer,
  ) {}

  get worker(): TrainerConnection {
    if (this.connection === null)
      throw new TrainerCrashedError('the trainer is not running', false);
    return this.connection;
  }

  /** A call outside the page's queue that may be lost: made only to a live worker, unanswered. */
  send(call: (connection: TrainerConnection) => Promise<unknown>): void {
    if (this.connection !== null) call(this.connection).catch(() => undefined);
  }

  /** The loop's failed step (null once a loop starts again): part of a crash that follows. */
  noteFailedStep(error: SerializedError | null): void {
    this.failedStep = error;
  }

  /** Starts a worker with the session's backend and snapshot policy. */
  async connect(): Promise<void> {
    this.connection = await this.connectWorker(
      this.settings.backend,
      (event) => this.onEvent(event),
      (message) => void this.restart(`the worker crashed (${message})`),
    );
    const policy = this.settings.snapshot;
    const interval = await this.worker.call((api) => api.setSnapshotPolicy(policy));
    this.hooks.connected(this.connection.report, interval);
  }

  private onEvent(event: TrainerEvent): void {
    if (event.type === 'device-lost')
      void this.restart(`the GPU device was lost (${event.message})`);
    else this.hooks.event(event);
  }

  /** Replaces a dead worker; the page then resumes the run from its newest good snapshot. */
  private restart(reason: string): Promise<Outcome> {
    // A lost GPU fails the step that was running before its loss is reported: that failure is
    // part of this recovery, which takes it out of the error area into its notice.
    const failed = this.failedStep;
    const state = this.machine.state;
    const train = state === 'training' || state === 'resuming' || failed !== null;
    this.failedStep = null;
    if (failed !== null) this.hooks.clearError();
    const cause = failed === null ? '' : ` (the step then running failed: ${failed.message})`;
    this.connection?.terminate();
    this.connection = null;
    return this.dispatch({
      label: 'Restart the trainer',
      origin: 'page',
      allowed: ACTION_STATES.restart,
      exclusive: true,
      run: async (enter) => {
        if (this.connection !== null) return undefined; // another restart already did it
        // Entered first, so that once the restarts are spent the page says `error`, not the
        // state it had with a worker that is gone.
        enter('resuming');
        if (!this.restarts.take()) throw new TrainerCrashedError(reason, true);
        await this.connect();
        const verb = `Restarted the trainer after ${reason}${cause}. Resuming`;
        return this.hooks.recover(enter, { train, verb });
      },
    });
  }
}
