import { TEMP_SUFFIX } from './corpus-files';
import { ShortWriteError } from './disk-full-pause';

/** A file handle as a dedicated worker has it: sync access handles, and move (Chromium 110+). */
interface SyncWritableHandle {
  createSyncAccessHandle(): Promise<{
    truncate(size: number): void;
    write(buffer: Uint8Array, options: { at: number }): number;
    flush(): void;
    close(): void;
  }>;
  move(newName: string): Promise<void>;
}

/**
 * Replaces `name` in `folder` with `data` as CorpusFiles.writeAtomic must: written whole to
 * `name + TEMP_SUFFIX` through a FileSystemSyncAccessHandle, flushed, closed, then moved to its
 * name, so a kill leaves either no file (or the old one) or all of the new one. Returns false,
 * writing nothing, where the handle has no sync access (not a dedicated worker).
 *
 * Why not createWritable(): it writes a swap file and copies it in on close(), every byte
 * twice, and each write is a round trip to the browser process; a sync access handle writes
 * the file in place from the worker. A 16 MiB shard measured 28–53 ms per MB of text that way
 * against 10–20 with this flush (6–9 without it) on this machine (bench/corpus-probe.mjs,
 * docs/PERFORMANCE.md). The flush stays: without it a power cut after the move could leave a
 * committed name over data the disk never got, and a resume checks shards by size alone.
 */
export async function writeWholeSync(
  folder: FileSystemDirectoryHandle,
  name: string,
  data: Uint8Array,
): Promise<boolean> {
  const prototype = (globalThis as { FileSystemFileHandle?: { prototype: object } })
    .FileSystemFileHandle?.prototype;
  if (prototype === undefined || !('createSyncAccessHandle' in prototype)) return false;
  const temp = (await folder.getFileHandle(name + TEMP_SUFFIX, {
    create: true,
  })) as unknown as SyncWritableHandle;
  const access = await temp.createSyncAccessHandle();
  try {
    // A temporary file left by a killed write may be longer than this one.
    access.truncate(0);
    const written = access.write(data, { at: 0 });
    if (written !== data.length) {
      throw new ShortWriteError(name, written, data.length);
    }
    access.flush();
  } finally {
    // The caller removes a failed write's temporary file; closing first releases its lock.
    access.close();
  }
  await temp.move(name);
  return true;
}
