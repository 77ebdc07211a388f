import { ActionRefusedError, serializeError, type SerializedError } from '../shared/errors';
import { TRANSITIONAL, type PageState } from '../shared/page-state';

/** One thing the page does: a user's action or one of the page's own transitions. */
export interface PageAction {
  /** As the user knows it ("Start", "Import"), for refusals. */
  readonly label: string;
  /** A user's action clears the error area when it runs; the page's own never do. */
  readonly origin: 'user' | 'page';
  /**
   * The states it may run in (its entry in ACTION_STATES); checked when its turn comes, not
   * when it was asked for.
   */
  readonly allowed: readonly PageState[];
  /**
   * Changes the run or this tab's role: the controls rest from the moment it is asked for
   * until it has run, so it cannot be asked for twice.
   */
  readonly exclusive: boolean;
  /**
   * Does the work; `enter` shows a transitional state meanwhile. Resolves with the state it
   * leaves the page in (undefined: unchanged). If it throws, the page keeps the state it had,
   * or shows `error` if the action had already changed it.
   */
  run(enter: (state: PageState) => void): Promise<PageState | void>;
}

export type Outcome = 'done' | 'refused' | 'failed';

/** Queues an action on the page's machine: what owners other than the machine's get. */
export type Dispatch = (action: PageAction) => Promise<Outcome>;

/** The machine's state, read-only: for owners that derive what it already says. */
export interface MachineState {
  readonly state: PageState;
}

export interface MachineView {
  render(state: PageState, busy: boolean): void;
  showError(error: SerializedError): void;
  clearError(): void;
}

interface Queued {
  readonly action: PageAction;
  settle(outcome: Outcome): void;
}

/**
 * The page's single owner of "what this tab does with the run it shows". Every action, the
 * user's and the page's own (boot, resume, takeover, restart), runs here, one at a time, in the
 * order asked for. An action whose turn comes in a state that does not allow it is refused, and
 * a user's refusal is shown in the error area: nothing is lost, nothing runs twice.
 */
export class PageMachine implements MachineState {
  private current: PageState = 'booting';
  private readonly queue: Queued[] = [];
  private running = false;
  private exclusiveAsked = 0;

  constructor(
    private readonly view: MachineView,
    /** False for failures that a recovery already reports (the worker died under a call). */
    private readonly shouldShow: (error: SerializedError) => boolean = () => true,
  ) {
    view.render(this.current, this.busy);
  }

  get state(): PageState {
    return this.current;
  }

  /** True while an exclusive action is queued or running: the controls rest. */
  get busy(): boolean {
    return this.exclusiveAsked > 0;
  }

  /** Queues an action; settles once it has run, been refused or failed. */
  dispatch(action: PageAction): Promise<Outcome> {
    return new Promise<Outcome>((settle) => {
      if (action.exclusive) this.exclusiveAsked += 1;
      this.queue.push({ action, settle });
      this.render();
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const outcome = await this.execute(next.action);
        if (next.action.exclusive) this.exclusiveAsked -= 1;
        this.render();
        next.settle(outcome);
      }
    } finally {
      this.running = false;
    }
  }

  private async execute(action: PageAction): Promise<Outcome> {
    if (action.origin === 'user') this.view.clearError();
    if (!action.allowed.includes(this.current)) {
      if (action.origin === 'user') {
        this.view.showError(serializeError(new ActionRefusedError(action.label, this.current)));
      }
      return 'refused';
    }
    const before = this.current;
    try {
      const next = await action.run((state) => this.set(state));
      this.set(next ?? (TRANSITIONAL.includes(this.current) ? before : this.current));
      return 'done';
    } catch (err) {
      const error = serializeError(err);
      if (this.shouldShow(error)) this.view.showError(error);
      // Failed before changing anything: as it was. Failed half-way: say so.
      this.set(this.current === before && !TRANSITIONAL.includes(before) ? before : 'error');
      return 'failed';
    }
  }

  private set(state: PageState): void {
    this.current = state;
    this.render();
  }

  private render(): void {
    this.view.render(this.current, this.busy);
  }
}
