import type { CheckpointSummary, ForkOptions, ForkSource } from '../shared/checkpoint-api';
import type { CorpusSummary } from '../shared/corpus-summary';
import type { RunRecord } from '../shared/snapshot';
import type { CheckpointPanelController } from '../ui/checkpoint-panel';
import { ACTION_STATES } from './action-states';
import { download } from './download';
import { sendableText } from './text-transfer';
import type { Dispatch, Outcome } from './page-machine';
import type { RunTransitions } from './run-transitions';
import type { ShownRunView } from './shown-run';
import type { WorkerApi } from './trainer-client';
import type { WorkerAccess } from './worker-supervisor';

/** What the checkpoint actions work with. */
export interface CheckpointDeps {
  readonly dispatch: Dispatch;
  readonly trainer: WorkerAccess;
  readonly shown: ShownRunView;
  /** Opens an imported or forked run as any stored run is opened. */
  readonly runs: Pick<RunTransitions, 'openWritten'>;
  readonly panel: Pick<CheckpointPanelController, 'clearPending' | 'setWorking'>;
  /** Re-reads the lists with the shown run. */
  readonly refresh: (run: RunRecord | null) => void;
  /** A replaced run was the last reading a corpus: the page asks whether to delete it too. */
  readonly offerUnused: (corpus: CorpusSummary) => void;
}

/**
 * Checkpoint files and the snapshot list's actions, each one PageMachine action. Long worker
 * calls (inspect, import, export) run with an AbortSignal; Cancel aborts the one in progress,
 * and a cancelled import writes nothing.
 */
export class CheckpointActions {
  private operation: AbortController | null = null;

  constructor(
    private readonly deps: CheckpointDeps,
    private readonly onInspected: (source: ForkSource, label: string, s: CheckpointSummary) => void,
  ) {}

  cancel(): void {
    this.operation?.abort();
  }

  /** Decodes and verifies a file in the worker, which keeps the result for an import. */
  inspect(file: File): Promise<Outcome> {
    return this.deps.dispatch({
      label: 'Import checkpoint',
      origin: 'user',
      allowed: ACTION_STATES.importCheckpoint,
      exclusive: false,
      run: async () => {
        this.deps.panel.clearPending();
        const { token, summary } = await this.long(`Checking ${file.name}…`, (api, opId) =>
          api.inspectCheckpoint(file, opId),
        );
        this.onInspected({ token }, file.name, summary);
      },
    });
  }

  /** Stores an inspected file as a new run and trains it; `replace` deletes the shown run. */
  async importInspected(token: string, replace: boolean): Promise<Outcome> {
    // Set inside the action; offered once it has run, as a run deleted from the list is.
    let unused = null as CorpusSummary | null;
    const outcome = await this.deps.dispatch({
      label: replace ? 'Replace current run' : 'Import as new run',
      origin: 'user',
      allowed: ACTION_STATES.importCheckpoint,
      exclusive: true,
      run: async (enter) => {
        const replaced = replace ? this.deps.shown.run : null;
        const dataset = await sendableText(this.deps.shown.dataset);
        const run = await this.long('Importing…', (api, opId) =>
          api.importCheckpoint(token, dataset, opId),
        );
        this.deps.panel.clearPending();
        return this.deps.runs.openWritten(run, enter, replaced, (corpus) => {
          unused = corpus;
        });
      },
    });
    if (unused !== null) this.deps.offerUnused(unused);
    return outcome;
  }

  fork(source: ForkSource, options: ForkOptions): Promise<Outcome> {
    return this.deps.dispatch({
      label: 'New run from this checkpoint',
      origin: 'user',
      allowed: ACTION_STATES.importCheckpoint,
      exclusive: true,
      run: async (enter) => {
        const dataset = await sendableText(this.deps.shown.dataset);
        const run = await this.deps.trainer.worker.call((api) =>
          api.forkRun(source, options, dataset),
        );
        this.deps.panel.clearPending();
        return this.deps.runs.openWritten(run, enter, null);
      },
    });
  }

  /** Downloads a snapshot of the shown run (its newest by default) as a .safetensors file. */
  exportCheckpoint(snapshotId: string | null = null): Promise<Outcome> {
    return this.deps.dispatch({
      label: 'Export checkpoint',
      origin: 'user',
      allowed: ACTION_STATES.exportCheckpoint,
      exclusive: false,
      run: async () => {
        const run = this.deps.shown.run;
        if (run === null) return;
        const { fileName, blob } = await this.long('Exporting…', (api, opId) =>
          api.exportCheckpoint(run.id, snapshotId, opId),
        );
        download(fileName, blob);
      },
    });
  }

  pinSnapshot(snapshotId: string, pinned: boolean): Promise<Outcome> {
    return this.listAction(pinned ? 'Pin' : 'Unpin', (api) => api.pinSnapshot(snapshotId, pinned));
  }

  deleteSnapshot(snapshotId: string): Promise<Outcome> {
    return this.listAction('Delete snapshot', async (api) => {
      try {
        await api.deleteSnapshot(snapshotId);
      } catch (err) {
        // Gone already (a second click, retention, another tab): what the user asked for is
        // done, and the refreshed list shows it.
        if ((err as { name?: unknown } | null)?.name !== 'SnapshotNotFoundError') throw err;
      }
    });
  }

  private listAction(label: string, call: (api: WorkerApi) => Promise<void>): Promise<Outcome> {
    return this.deps.dispatch({
      label,
      origin: 'user',
      allowed: ACTION_STATES.snapshotList,
      exclusive: false,
      run: async () => {
        await this.deps.trainer.worker.call(call);
        this.deps.refresh(this.deps.shown.run);
      },
    });
  }

  /** A long worker call with a Cancel button: the page's signal is relayed to the worker. */
  private async long<T>(
    text: string,
    call: (api: WorkerApi, opId: string) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const opId = crypto.randomUUID();
    const { trainer, panel } = this.deps;
    const { worker } = trainer;
    const relay = () => void worker.api.cancel(opId);
    controller.signal.addEventListener('abort', relay);
    this.operation = controller;
    panel.setWorking(text);
    try {
      return await worker.call((api) => call(api, opId));
    } finally {
      this.operation = null;
      controller.signal.removeEventListener('abort', relay);
      panel.setWorking(null);
    }
  }
}
