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
   * Every readable run copy. A temporary file counts only where its final file is missing (a
   * crash between the write and the rename) and only if it decodes with every hash matching.
   */
  async readAll(): Promise<{ records: MirrorRecord[]; skipped: MirrorSkip[] }> {
    const names = await this.files.list();
    const finals = new Set(names.filter((n) => runIdOfMirror(n) !== null));
    const candidates = [
      ...finals,
      ...names
        .filter((n) => n.endsWith(TEMP_SUFFIX))
        .filter((n) => !finals.has(n.slice(0, -TEMP_SUFFIX.length))),
    ];
    const records: MirrorRecord[] = [];
    const skipped: MirrorSkip[] = [];
    for (const name of candidates) {
      const file = await this.files.read(name);
      if (file === null || file.size === 0) continue;
      try {
        records.push(await decodeMirror(file));
      } catch (err) {
        skipped.push({ file: name, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return { records, skipped };
  }
}
