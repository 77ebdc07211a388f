import { proxy } from 'comlink';
import type { SampleRequest } from '../shared/sampling';
import type { PromptPanelController } from '../ui/prompt-panel';
import { ACTION_STATES } from './action-states';
import type { Dispatch, Outcome } from './page-machine';
import type { WorkerAccess } from './worker-supervisor';

/**
 * Sampling with a prompt from the run this tab trains or holds paused. Asking is a page action
 * (it waits its turn and is refused where no run is held); the sample then streams beside
 * everything else, so the queue never waits for it. The worker stops the previous sample when
 * a new one starts, and the panel shows only the newest.
 */
export class SampleActions {
  constructor(
    private readonly dispatch: Dispatch,
    private readonly trainer: WorkerAccess,
    private readonly panel: PromptPanelController,
  ) {}

  sample(request: SampleRequest): Promise<Outcome> {
    return this.dispatch({
      label: 'Sample',
      origin: 'user',
      allowed: ACTION_STATES.sample,
      exclusive: false,
      run: async () => {
        const view = this.panel.begin(request.prompt);
        const sink = proxy(view.show);
        try {
          const started = await this.trainer.worker.call((api) => api.sample(request, sink));
          view.started(started.step);
        } catch (err) {
          view.refused();
          throw err;
        }
      },
    });
  }
}
