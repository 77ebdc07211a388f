/**
 * The files of one corpus: a flat folder of whole files. The origin private file system
 * implements it in the worker (opfs-corpus-files.ts); unit tests use an in-memory one
 * (memory-corpus-files.ts), since Node has no origin private file system.
 */
export interface CorpusFiles {
  /**
   * Replaces `name` with `data` so that a reader, or a kill at any moment, finds either no file
   * (or the old one) or the complete new one: written as `name + TEMP_SUFFIX`, then moved.
   * Rejects when the write fails; a partial temporary file may then remain, which the caller
   * removes (tokenize-corpus.ts does), so the committed name never holds a torn file.
   */
  writeAtomic(name: string, data: Uint8Array): Promise<void>;
  /** The file's contents, or null when there is no such file. */
  read(name: string): Promise<Blob | null>;
  list(): Promise<string[]>;
  /** Must not throw when the file does not exist. */
  remove(name: string): Promise<void>;
  /** A committed file opened for synchronous reads (training's windows). */
  openReader(name: string): Promise<SyncFileReader>;
}

/** Synchronous positioned reads, as a worker's FileSystemSyncAccessHandle gives them. */
export interface SyncFileReader {
  readonly size: number;
  /** Fills `into` from byte `at`; returns the bytes read (fewer only at the file's end). */
  read(into: Uint8Array, at: number): number;
  close(): void;
}

/** Reads over bytes already in memory: the in-memory root's files, or a shard read whole. */
export function memoryReader(data: Uint8Array): SyncFileReader {
  return {
    size: data.length,
    read(into, at) {
      const part = data.subarray(at, at + into.length);
      into.set(part);
      return part.length;
    },
    close() {},
  };
}

/** Every corpus's folder, by content address. */
export interface CorpusRoot {
  folder(address: string): CorpusFiles;
  /** The addresses of the corpora stored. */
  addresses(): Promise<string[]>;
  /** Deletes a corpus's folder and every file in it; no error when it is not there. */
  removeFolder(address: string): Promise<void>;
}

export const TEMP_SUFFIX = '.partial';
