import type {
  CheckpointFile,
  CheckpointSummary,
  ForkOptions,
  UserDataset,
} from '../src/shared/api';
import { decodeCheckpoint } from '../src/shared/checkpoint';
import { NoRunError } from '../src/shared/errors';
import type { RunRecord, SnapshotManifest } from '../src/shared/snapshot';
import { decodeFile, exportSnapshot, writeRunFrom } from './checkpoint/checkpoint-io';
import type { SnapshotStore } from './store';

/**
 * The stored side of the worker's API: runs, snapshots and checkpoint files, none of which
 * touches the training loop. TrainerController adds training on top.
 */
export abstract class RunLibrary {
  protected storeHandle: SnapshotStore | null = null;

  protected get store(): SnapshotStore {
    if (this.storeHandle === null) throw new Error('init() must be called first');
    return this.storeHandle;
  }

  listRuns(): Promise<RunRecord[]> {
    return this.store.listRuns();
  }

  listSnapshots(runId: string): Promise<SnapshotManifest[]> {
    return this.store.listSnapshots(runId);
  }

  pinSnapshot(snapshotId: string, pinned: boolean): Promise<void> {
    return this.store.pinSnapshot(snapshotId, pinned);
  }

  deleteSnapshot(snapshotId: string): Promise<void> {
    return this.store.deleteSnapshot(snapshotId);
  }

  async exportCheckpoint(runId: string, snapshotId?: string): Promise<CheckpointFile> {
    const run = await this.store.getRun(runId);
    if (run === undefined) throw new NoRunError(`Run ${runId} no longer exists.`);
    const id = snapshotId ?? run.latestSnapshotId;
    if (id === null) throw new NoRunError('The run has no snapshot to export yet.');
    return exportSnapshot(this.store, run, id);
  }

  async inspectCheckpoint(file: Blob): Promise<CheckpointSummary> {
    const decoded = await decodeCheckpoint(file);
    const { config, step } = decoded.manifest;
    return {
      runName: decoded.runName,
      model: config.model,
      step,
      lr: config.lr,
      steps: config.steps,
      formatVersion: decoded.formatVersion,
    };
  }

  async importCheckpoint(file: Blob, dataset: UserDataset | null): Promise<RunRecord> {
    return writeRunFrom(this.store, await decodeFile(file), dataset, null);
  }

  async forkRun(
    source: { snapshotId: string } | { file: Blob },
    options: ForkOptions,
    dataset: UserDataset | null,
  ): Promise<RunRecord> {
    if ('file' in source)
      return writeRunFrom(this.store, await decodeFile(source.file), dataset, options);
    const payload = await this.store.loadSnapshot(source.snapshotId);
    const run = await this.store.getRun(payload.manifest.runId);
    return writeRunFrom(this.store, { payload, name: run?.name ?? 'run' }, dataset, options);
  }
}
