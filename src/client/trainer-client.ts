import { proxy, wrap, type Remote } from 'comlink';
import type { BackendReport, EventSink, TrainerApi } from '../shared/api';
import type { BackendName } from '../shared/config';
import { TrainerCrashedError } from '../shared/errors';

/** The worker's API as the page calls it. */
export type WorkerApi = Remote<TrainerApi>;

export interface TrainerConnection {
  readonly api: WorkerApi;
  readonly report: BackendReport;
  /**
   * Runs a call to the worker; if the worker dies first it rejects with TrainerCrashedError
   * (comlink alone would leave the call pending forever).
   */
  call<T>(fn: (api: WorkerApi) => Promise<T>): Promise<T>;
  /** Ends the worker at once; its snapshot in flight, if any, is abandoned (its tx aborts). */
  terminate(): void;
}

/**
 * Starts the training worker and its backend. `onCrash` hears of a worker that died (an
 * uncaught error or a failed load).
 */
export async function connectTrainer(
  backend: BackendName | null,
  onEvent: EventSink,
  onCrash: (message: string) => void,
): Promise<TrainerConnection> {
  const worker = new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trainer',
  });
  let died: (err: Error) => void = () => undefined;
  const gone = new Promise<never>((_, reject) => (died = reject));
  gone.catch(() => undefined);
  worker.addEventListener('error', (event) => {
    const message = event.message || 'the worker failed';
    died(new TrainerCrashedError(`the worker crashed (${message})`, false));
    onCrash(message);
  });
  const api = wrap<TrainerApi>(worker);
  const call = <T>(fn: (a: WorkerApi) => Promise<T>): Promise<T> => Promise.race([fn(api), gone]);
  const report = await call((a) => a.init(backend, proxy(onEvent)));
  return {
    api,
    report,
    call,
    terminate: () => {
      died(new TrainerCrashedError('the trainer was restarted', false));
      worker.terminate();
    },
  };
}
