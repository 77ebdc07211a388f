import type { RunRecord } from '../../src/shared/snapshot';
import type { MirrorFiles } from './mirror-files';
import { TEMP_SUFFIX } from './mirror-files';
import {
  decodeMirror,
  encodeMirror,
  mirrorFileName,
  runIdOfMirror,
  type MirrorRecord,
} from './mirror-record';

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

  async write(record: MirrorRecord): Promise<MirrorCost> {
    const started = this.now();
    const blob = encodeMirror(record);
    await this.files.writeAtomic(mirrorFileName(record.run.id), blob);
    return { ms: this.now() - started, bytes: blob.size };
  }

  remove(run: Pick<RunRecord, 'id'>): Promise<void> {
    return this.files.remove(mirrorFileName(run.id));
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
    return decodeMirror(blob);
  }
}
