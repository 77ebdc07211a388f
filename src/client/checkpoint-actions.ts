import { download } from './download';
import type { CheckpointSummary, ForkOptions, ForkSource } from '../shared/api';
import type { Outcome } from './page-machine';
import type { PageState } from './page-state';
import type { RunOwner } from './run-owner';
import type { WorkerApi } from './trainer-client';

const SETTLED: readonly PageState[] = ['idle', 'training', 'paused', 'watching', 'error'];
const WITH_RUN: readonly PageState[] = ['training', 'paused', 'watching', 'error'];
const HOLDING: readonly PageState[] = ['training', 'paused', 'error'];

/**
 * Checkpoint files and the snapshot list's actions, each one PageMachine action. Long worker
 * calls (inspect, import, export) run with an AbortSignal; Cancel aborts the one in progress,
 * and a cancelled import writes nothing.
 */
export class CheckpointActions {
  private operation: AbortController | null = null;

  constructor(
    private readonly owner: RunOwner,
    private readonly onInspected: (source: ForkSource, label: string, s: CheckpointSummary) => void,
  ) {}

  cancel(): void {
    this.operation?.abort();
  }

  /** Decodes and verifies a file in the worker, which keeps the result for an import. */
  inspect(file: File): Promise<Outcome> {
    return this.owner.dispatch({
      label: 'Import checkpoint',
      origin: 'user',
      allowed: SETTLED,
      exclusive: false,
      run: async () => {
        this.owner.view.checkpoints.clearPending();
        const { token, summary } = await this.long(`Checking ${file.name}…`, (api, opId) =>
          api.inspectCheckpoint(file, opId),
        );
        this.onInspected({ token }, file.name, summary);
      },
    });
  }

  /** Stores an inspected file as a new run and trains it; `replace` deletes the shown run. */
  importInspected(token: string, replace: boolean): Promise<Outcome> {
    return this.owner.dispatch({
      label: replace ? 'Replace current run' : 'Import as new run',
      origin: 'user',
      allowed: SETTLED,
      exclusive: true,
      run: async (enter) => {
        const replaced = replace ? this.owner.currentRun : null;
        const dataset = this.owner.userDataset;
        const run = await this.long('Importing…', (api, opId) =>
          api.importCheckpoint(token, dataset, opId),
        );
        this.owner.view.checkpoints.clearPending();
        return this.owner.openWritten(run, enter, replaced);
      },
    });
  }

  fork(source: ForkSource, options: ForkOptions): Promise<Outcome> {
    return this.owner.dispatch({
      label: 'New run from this checkpoint',
      origin: 'user',
      allowed: SETTLED,
      exclusive: true,
      run: async (enter) => {
        const dataset = this.owner.userDataset;
        const run = await this.owner.worker.call((api) => api.forkRun(source, options, dataset));
        this.owner.view.checkpoints.clearPending();
        return this.owner.openWritten(run, enter, null);
      },
    });
  }

  /** Downloads a snapshot of the shown run (its newest by default) as a .safetensors file. */
  exportCheckpoint(snapshotId: string | null = null): Promise<Outcome> {
    return this.owner.dispatch({
      label: 'Export checkpoint',
      origin: 'user',
      allowed: WITH_RUN,
      exclusive: false,
      run: async () => {
        const run = this.owner.currentRun;
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
    return this.owner.dispatch({
      label,
      origin: 'user',
      allowed: HOLDING,
      exclusive: false,
      run: async () => {
        await this.owner.worker.call(call);
        this.owner.view.refresh(this.owner.currentRun);
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
    const { worker, view } = this.owner;
    const relay = () => void worker.api.cancel(opId);
    controller.signal.addEventListener('abort', relay);
    this.operation = controller;
    view.checkpoints.setWorking(text);
    try {
      return await worker.call((api) => call(api, opId));
    } finally {
      this.operation = null;
      controller.signal.removeEventListener('abort', relay);
      view.checkpoints.setWorking(null);
    }
  }
}
