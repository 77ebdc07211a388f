import type { UserDataset } from '../src/shared/api';
import type {
  CheckpointFile,
  ForkOptions,
  ForkSource,
  InspectedCheckpoint,
} from '../src/shared/checkpoint-api';
import { CheckpointFormatError, NoSnapshotYetError, RunNotFoundError } from '../src/shared/errors';
import { summarize, type RunRecord, type SnapshotSummary } from '../src/shared/snapshot';
import {
  decodeFile,
  exportSnapshot,
  writeRunFrom,
  type DecodedFile,
} from './checkpoint/checkpoint-io';
import type { SnapshotStore } from './store';

/** Inspected files kept for a later import or fork; older ones are let go. */
const KEPT_INSPECTIONS = 2;

/**
 * The stored side of the worker: runs, snapshots and checkpoint files, none of which touches
 * the training loop. A file is decoded and verified once, when inspected; importing or forking
 * it later uses that result.
 */
export class RunLibrary {
  private readonly inspected = new Map<string, DecodedFile>();

  constructor(private readonly store: SnapshotStore) {}

  listRuns(): Promise<RunRecord[]> {
    return this.store.listRuns();
  }

  async listSnapshots(runId: string): Promise<SnapshotSummary[]> {
    return (await this.store.listSnapshots(runId)).map(summarize);
  }

  pinSnapshot(snapshotId: string, pinned: boolean): Promise<void> {
    return this.store.pinSnapshot(snapshotId, pinned);
  }

  deleteSnapshot(snapshotId: string): Promise<void> {
    return this.store.deleteSnapshot(snapshotId);
  }

  deleteRun(runId: string): Promise<void> {
    return this.store.deleteRun(runId);
  }

  async exportCheckpoint(
    runId: string,
    snapshotId: string | null,
    signal?: AbortSignal,
  ): Promise<CheckpointFile> {
    const run = await this.store.getRun(runId);
    if (run === undefined) throw new RunNotFoundError(runId);
    const id = snapshotId ?? run.latestSnapshotId;
    if (id === null) throw new NoSnapshotYetError(run.name);
    return exportSnapshot(this.store, run, id, signal);
  }

  async inspectCheckpoint(file: Blob, signal?: AbortSignal): Promise<InspectedCheckpoint> {
    const decoded = await decodeFile(file, signal);
    const token = crypto.randomUUID();
    this.inspected.set(token, decoded);
    for (const old of [...this.inspected.keys()].slice(0, -KEPT_INSPECTIONS)) {
      this.inspected.delete(old);
    }
    const { config, step } = decoded.payload.manifest;
    return {
      token,
      summary: {
        runName: decoded.name,
        model: config.model,
        step,
        lr: config.lr,
        steps: config.steps,
        formatVersion: decoded.formatVersion,
      },
    };
  }

  importCheckpoint(
    token: string,
    dataset: UserDataset | null,
    signal?: AbortSignal,
  ): Promise<RunRecord> {
    return writeRunFrom(this.store, this.takeInspected(token), dataset, null, signal);
  }

  async forkRun(
    source: ForkSource,
    options: ForkOptions,
    dataset: UserDataset | null,
  ): Promise<RunRecord> {
    if ('token' in source) {
      return writeRunFrom(this.store, this.takeInspected(source.token), dataset, options);
    }
    const payload = await this.store.loadSnapshot(source.snapshotId);
    const run = await this.store.getRun(payload.manifest.runId);
    return writeRunFrom(this.store, { payload, name: run?.name ?? 'run' }, dataset, options);
  }

  private takeInspected(token: string): DecodedFile {
    const decoded = this.inspected.get(token);
    if (decoded === undefined) {
      throw new CheckpointFormatError(
        'This checkpoint file is no longer held by the trainer (another file was chosen since, or the trainer restarted). Choose the file again.',
      );
    }
    return decoded;
  }
}
