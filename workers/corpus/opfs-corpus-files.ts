import { CorpusUnavailableError } from '../../src/shared/errors';
import { isNotFound, opfsFolderFiles, opfsRoot } from '../store';
import { memoryReader, type CorpusFiles, type CorpusRoot } from './corpus-files';
import { writeWholeSync } from './opfs-sync-write';

/** The folder of the origin private file system that holds every corpus, one subfolder each. */
export const CORPORA_DIRECTORY = 'corpora';

/** What a file handle offers for reads; sync access handles exist in dedicated workers only. */
interface ReadableHandle {
  createSyncAccessHandle?(options?: { mode: 'read-only' }): Promise<{
    read(buffer: Uint8Array, options: { at: number }): number;
    getSize(): number;
    close(): void;
  }>;
  getFile(): Promise<File>;
}

/**
 * Corpora in the origin private file system, or null where the browser has none or cannot
 * replace a file whole (no createWritable or move). Folders are looked up again on every call:
 * clearing site data deletes them under a handle we would otherwise keep.
 */
export function opfsCorpusRoot(): CorpusRoot | null {
  const storage = opfsRoot();
  if (storage === null) return null;
  const root = async () => {
    let top: FileSystemDirectoryHandle;
    try {
      top = await storage();
    } catch {
      // The API is there but refuses its root (WebKit's automation profile: UnknownError).
      throw new CorpusUnavailableError();
    }
    return await top.getDirectoryHandle(CORPORA_DIRECTORY, { create: true });
  };
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
  const whole = opfsFolderFiles(dir);
  return {
    ...whole,
    // Through a sync access handle in a worker (opfs-sync-write.ts); createWritable elsewhere.
    async writeAtomic(name, data) {
      if (!(await writeWholeSync(await dir(), name, data))) await whole.writeAtomic(name, data);
    },
    async openReader(name) {
      const handle = (await (await dir()).getFileHandle(name)) as unknown as ReadableHandle;
      // Dedicated workers have sync access handles; elsewhere (a page, a test) they are absent.
      if (handle.createSyncAccessHandle !== undefined) {
        // Read-only handles share a file (Chromium 121+): two tabs training two runs on one
        // corpus, or a reloaded page's new worker while the old one's handles are still being
        // closed. The default mode is exclusive: there the second opener failed with
        // NoModificationAllowedError. An engine without modes ignores the option.
        const access = await handle.createSyncAccessHandle({ mode: 'read-only' });
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
