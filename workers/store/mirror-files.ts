/**
 * A flat directory of whole files, as the snapshot mirror needs it. The OPFS implementation is
 * below; unit tests use an in-memory one (Node has no origin private file system).
 */
export interface MirrorFiles {
  /**
   * Replaces `name` with `data` so that a reader, or a crash at any moment, finds either the
   * old file or the complete new one, never a mix: written under a temporary name, then moved.
   */
  writeAtomic(name: string, data: Blob): Promise<void>;
  /** The file's contents, or null when there is no such file. */
  read(name: string): Promise<Blob | null>;
  list(): Promise<string[]>;
  /** Must not throw when the file does not exist. */
  remove(name: string): Promise<void>;
}

export const TEMP_SUFFIX = '.partial';

interface MovableFileHandle extends FileSystemFileHandle {
  // Chromium (and Safari, Firefox 111+): rename in place; lib.dom does not declare it yet.
  move(newName: string): Promise<void>;
}

/** The second copy's folder in the origin private file system. */
export const MIRROR_DIRECTORY = 'snapshot-mirror';

/** A missing file or folder, as the origin private file system reports it. */
export function isNotFound(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'NotFoundError';
}

/**
 * The origin private file system's root, or null where the browser has none or cannot replace
 * a file whole: that needs createWritable() and move() (Safari before 26 lacks createWritable),
 * and without them there is no second copy (nor corpus) rather than a torn one.
 */
export function opfsRoot(): (() => Promise<FileSystemDirectoryHandle>) | null {
  const storage = (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  const file = (globalThis as { FileSystemFileHandle?: { prototype: object } })
    .FileSystemFileHandle;
  if (file === undefined || !('createWritable' in file.prototype) || !('move' in file.prototype)) {
    return null;
  }
  return () => storage.getDirectory();
}

/** A flat folder's whole files, where `data` may be bytes as well as a Blob. */
export interface OpfsFolderFiles extends Omit<MirrorFiles, 'writeAtomic'> {
  writeAtomic(name: string, data: Blob | Uint8Array): Promise<void>;
}

/**
 * The files of the folder `dir` gives (looked up again on every call: clearing site data
 * deletes it under a handle we would otherwise keep). Shared by the snapshot mirror and the
 * corpus store (workers/corpus), each on its own folder.
 */
export function opfsFolderFiles(dir: () => Promise<FileSystemDirectoryHandle>): OpfsFolderFiles {
  return {
    async writeAtomic(name, data) {
      const folder = await dir();
      const temp = (await folder.getFileHandle(name + TEMP_SUFFIX, {
        create: true,
      })) as MovableFileHandle;
      // createWritable writes to a swap file and swaps it in on close(): the temporary file is
      // either empty or complete, and the move below makes the complete one visible at once.
      const writable = await temp.createWritable();
      try {
        // Corpus shards are never views of shared memory: plain bytes, written as they are.
        await writable.write(data as Blob | Uint8Array<ArrayBuffer>);
        await writable.close();
      } catch (err) {
        await writable.abort().catch(() => undefined);
        throw err;
      }
      await temp.move(name);
    },
    async read(name) {
      try {
        return await (await (await dir()).getFileHandle(name)).getFile();
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async list() {
      const names: string[] = [];
      for await (const name of (await dir()).keys()) names.push(name);
      return names;
    },
    async remove(name) {
      try {
        await (await dir()).removeEntry(name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/**
 * Files in a directory of the origin private file system, or null where the browser has none
 * or cannot replace a file whole.
 */
export function opfsFiles(directory = MIRROR_DIRECTORY): MirrorFiles | null {
  const root = opfsRoot();
  if (root === null) return null;
  return opfsFolderFiles(
    async () => await (await root()).getDirectoryHandle(directory, { create: true }),
  );
}
