import { proxy, wrap, type Remote } from 'comlink';
import type { BackendReport, EventSink, TrainerApi } from '../shared/api';
import type { BackendName } from '../shared/config';

export interface TrainerConnection {
  readonly api: Remote<TrainerApi>;
  readonly report: BackendReport;
  /** Ends the worker at once; its snapshot in flight, if any, is abandoned (its tx aborts). */
  terminate(): void;
}

/**
 * Starts the training worker and its backend. `onCrash` hears of a worker that died (an
 * uncaught error or a failed load), which comlink alone would leave as calls that never return.
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
  worker.addEventListener('error', (event) => onCrash(event.message || 'the worker failed'));
  const api = wrap<TrainerApi>(worker);
  const report = await api.init(backend, proxy(onEvent));
  return { api, report, terminate: () => worker.terminate() };
}
