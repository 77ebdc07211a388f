import {
  TEMP_SUFFIX,
  type CorpusFiles,
  type CorpusRoot,
  type SyncFileReader,
} from './corpus-files';

/** The folder of the origin private file system that holds every corpus, one subfolder each. */
export const CORPORA_DIRECTORY = 'corpora';

interface MovableFileHandle extends FileSystemFileHandle {
  // Chromium, Safari and Firefox 111+ rename in place; lib.dom does not declare it yet.
  move(newName: string): Promise<void>;
}

/** What a file handle offers for reads; sync access handles exist in dedicated workers only. */
interface ReadableHandle {
  createSyncAccessHandle?(): Promise<{
    read(buffer: Uint8Array, options: { at: number }): number;
    getSize(): number;
    close(): void;
  }>;
  getFile(): Promise<File>;
}

function isNotFound(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'NotFoundError';
}

/**
 * Corpora in the origin private file system, or null where the browser has none or cannot
 * replace a file whole (no createWritable or move). Folders are looked up again on every call:
 * clearing site data deletes them under a handle we would otherwise keep.
 */
export function opfsCorpusRoot(): CorpusRoot | null {
  const storage = (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage;
  if (typeof storage?.getDirectory !== 'function') return null;
  const file = (globalThis as { FileSystemFileHandle?: { prototype: object } })
    .FileSystemFileHandle;
  if (file === undefined || !('createWritable' in file.prototype) || !('move' in file.prototype)) {
    return null;
  }
  const root = async () =>
    await (await storage.getDirectory()).getDirectoryHandle(CORPORA_DIRECTORY, { create: true });
  return {
    folder: (address) =>
      opfsFolder(async () => await (await root()).getDirectoryHandle(address, { create: true })),
    async addresses() {
      const names: string[] = [];
      for await (const [name, handle] of (await root()).entries()) {
        if (handle.kind === 'directory') names.push(name);
      }
      return names;
    },
    async removeFolder(address) {
      try {
        await (await root()).removeEntry(address, { recursive: true });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

function opfsFolder(dir: () => Promise<FileSystemDirectoryHandle>): CorpusFiles {
  return {
    async writeAtomic(name, data) {
      const folder = await dir();
      const temp = (await folder.getFileHandle(name + TEMP_SUFFIX, {
        create: true,
      })) as MovableFileHandle;
      // createWritable writes to a swap file and swaps it in on close(); the move then makes the
      // complete file visible under its name at once.
      const writable = await temp.createWritable();
      try {
        await writable.write(data as Uint8Array<ArrayBuffer>);
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
    async openReader(name) {
      const handle = (await (await dir()).getFileHandle(name)) as unknown as ReadableHandle;
      // Dedicated workers have sync access handles; elsewhere (a page, a test) they are absent.
      if (handle.createSyncAccessHandle !== undefined) {
        const access = await handle.createSyncAccessHandle();
        return {
          size: access.getSize(),
          read: (into, at) => access.read(into, { at }),
          close: () => access.close(),
        };
      }
      // No sync access handles (not a dedicated worker): a shard is read whole into memory.
      return memoryReader(new Uint8Array(await (await handle.getFile()).arrayBuffer()));
    },
  };
}

function memoryReader(data: Uint8Array): SyncFileReader {
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
