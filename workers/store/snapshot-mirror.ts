import type { RunRecord } from '../../src/shared/snapshot';
import type { MirrorFiles } from './mirror-files';
import { TEMP_SUFFIX } from './mirror-files';
import {
  decodeMirror,
  encodeMirror,
  mirrorFileName,
  mirrorTextName,
  runIdOfMirror,
  type MirrorRecord,
  type MirrorText,
} from './mirror-record';
import type { DatasetText } from './store-schema';

/** What one mirror write cost. */
export interface MirrorCost {
  readonly ms: number;
  readonly bytes: number;
}

export interface MirrorSkip {
  readonly file: string;
  readonly reason: string;
}

/** A run written back to IndexedDB from its second copy, at the copy's snapshot. */
export interface RestoredRun {
  readonly runId: string;
  readonly name: string;
  readonly step: number;
  readonly at: number;
}

/**
 * The second, independent copy of each run's newest good snapshot: one file per run in the
 * origin private file system, replaced whole after every commit. It outlives an IndexedDB
 * database the browser discards (as corrupt, after a failed write on a full disk); clearing
 * site data or an eviction removes it together with IndexedDB.
 */
export class SnapshotMirror {
  constructor(
    private readonly files: MirrorFiles,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * The run's file, after its text's file when that is not there yet: a text is written once,
   * not with every snapshot. `text` gives the bytes only when they are needed.
   */
  async write(
    record: Omit<MirrorRecord, 'dataset'>,
    dataset: MirrorText | null,
    text: () => Promise<DatasetText | null>,
  ): Promise<MirrorCost> {
    const started = this.now();
    let bytes = 0;
    if (dataset !== null) {
      const name = mirrorTextName(dataset.id);
      if ((await this.files.read(name))?.size !== dataset.size) {
        const full = await text();
        if (full === null) throw new Error(`the text of ${dataset.name} is not stored`);
        await this.files.writeAtomic(name, new Blob([full.bytes as BlobPart]));
        bytes += full.bytes.byteLength;
      }
    }
    const blob = encodeMirror(record, dataset);
    await this.files.writeAtomic(mirrorFileName(record.run.id), blob);
    return { ms: this.now() - started, bytes: bytes + blob.size };
  }

  remove(run: Pick<RunRecord, 'id'>): Promise<void> {
    return this.files.remove(mirrorFileName(run.id));
  }

  /** A text no run uses any more. */
  removeText(datasetId: string): Promise<void> {
    return this.files.remove(mirrorTextName(datasetId));
  }

  /**
   * The copies on disk, one per run: the final file, or a temporary one where the final file
   * is missing (a crash between the write and the rename; it is used only if it decodes with
   * every hash matching).
   */
  async list(): Promise<{ runId: string; file: string }[]> {
    const names = await this.files.list();
    const found = new Map<string, string>();
    for (const name of names) {
      const runId = runIdOfMirror(name);
      if (runId !== null) found.set(runId, name);
    }
    for (const name of names) {
      if (!name.endsWith(TEMP_SUFFIX)) continue;
      const runId = runIdOfMirror(name.slice(0, -TEMP_SUFFIX.length));
      if (runId !== null && !found.has(runId)) found.set(runId, name);
    }
    return [...found].map(([runId, file]) => ({ runId, file }));
  }

  /** One copy, every tensor verified; null for an empty file (a write that never started). */
  async read(file: string): Promise<MirrorRecord | null> {
    const blob = await this.files.read(file);
    if (blob === null || blob.size === 0) return null;
    return decodeMirror(blob, (name) => this.files.read(name));
  }
}
