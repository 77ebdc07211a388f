import {
  TEMP_SUFFIX,
  memoryReader,
  type CorpusFiles,
  type CorpusRoot,
  type SyncFileReader,
} from './corpus-files';

/** A step of a write as the in-memory files saw it, for tests of the temp + rename commit. */
export type FileEvent =
  | { readonly op: 'write'; readonly name: string; readonly bytes: number }
  | { readonly op: 'move'; readonly from: string; readonly to: string }
  | { readonly op: 'remove'; readonly name: string };

/**
 * Corpus folders held in memory, for unit tests. `beforeMove` runs between a temporary file's
 * write and its rename: a test throws there to kill a commit half-way. `capacity` (bytes, over
 * every folder) makes a write that would pass it fail as a full disk does.
 */
export class MemoryCorpusRoot implements CorpusRoot {
  readonly folders = new Map<string, Map<string, Uint8Array>>();
  readonly events: FileEvent[] = [];
  beforeMove: ((name: string) => void) | null = null;
  capacity = Infinity;

  folder(address: string): CorpusFiles {
    return new MemoryCorpusFiles(this, address);
  }

  async addresses(): Promise<string[]> {
    return [...this.folders.keys()];
  }

  async removeFolder(address: string): Promise<void> {
    this.folders.delete(address);
  }

  usedBytes(): number {
    let used = 0;
    for (const files of this.folders.values()) for (const f of files.values()) used += f.length;
    return used;
  }

  files(address: string): Map<string, Uint8Array> {
    let files = this.folders.get(address);
    if (files === undefined) this.folders.set(address, (files = new Map()));
    return files;
  }
}

class MemoryCorpusFiles implements CorpusFiles {
  constructor(
    private readonly root: MemoryCorpusRoot,
    private readonly address: string,
  ) {}

  private get files(): Map<string, Uint8Array> {
    return this.root.files(this.address);
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    const temp = name + TEMP_SUFFIX;
    if (this.root.usedBytes() + data.length > this.root.capacity) {
      // As a full disk leaves it: the temporary file holds what fit, and the name is untouched.
      const fits = Math.max(0, this.root.capacity - this.root.usedBytes());
      this.files.set(temp, data.slice(0, fits));
      this.root.events.push({ op: 'write', name: temp, bytes: fits });
      throw new DOMException('The disk is full', 'QuotaExceededError');
    }
    this.files.set(temp, data.slice());
    this.root.events.push({ op: 'write', name: temp, bytes: data.length });
    this.root.beforeMove?.(name);
    this.files.set(name, this.files.get(temp)!);
    this.files.delete(temp);
    this.root.events.push({ op: 'move', from: temp, to: name });
  }

  async read(name: string): Promise<Blob | null> {
    const data = this.files.get(name);
    return data === undefined ? null : new Blob([data as Uint8Array<ArrayBuffer>]);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async remove(name: string): Promise<void> {
    this.files.delete(name);
    this.root.events.push({ op: 'remove', name });
  }

  async openReader(name: string): Promise<SyncFileReader> {
    const data = this.files.get(name);
    if (data === undefined) throw new DOMException(`${name} not found`, 'NotFoundError');
    return memoryReader(data);
  }
}
