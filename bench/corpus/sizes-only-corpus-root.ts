import {
  TEMP_SUFFIX,
  type CorpusFiles,
  type CorpusRoot,
  type SyncFileReader,
} from '../../workers/bench-surface';

/** The JSON files (progress, manifest) are kept; a shard is far larger than any of them. */
const KEPT_BYTES = 1 << 20;

/**
 * Corpus folders that keep only each shard's size, for the bench's large runs in Node: a 1 GB
 * corpus makes 2 GB of uint16 shards, which in memory would swamp the heap being measured (a
 * browser writes them to disk). What the tokenizer reads back (progress, manifest) is kept
 * whole; a shard read back has its size (a resumed tokenization checks it) and refuses its
 * bytes, as does a shard opened for windows.
 */
export class SizesOnlyCorpusRoot implements CorpusRoot {
  private readonly folders = new Map<string, Map<string, Uint8Array | number>>();

  folder(address: string): CorpusFiles {
    let files = this.folders.get(address);
    if (files === undefined) this.folders.set(address, (files = new Map()));
    return new SizesOnlyFiles(files);
  }

  async addresses(): Promise<string[]> {
    return [...this.folders.keys()];
  }

  async removeFolder(address: string): Promise<void> {
    this.folders.delete(address);
  }
}

class SizesOnlyFiles implements CorpusFiles {
  constructor(private readonly files: Map<string, Uint8Array | number>) {}

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    this.files.delete(name + TEMP_SUFFIX);
    this.files.set(name, data.length <= KEPT_BYTES ? data.slice() : data.length);
  }

  async read(name: string): Promise<Blob | null> {
    const data = this.files.get(name);
    if (data === undefined) return null;
    if (typeof data === 'number') return new SizeOnlyBlob(name, data);
    return new Blob([data as Uint8Array<ArrayBuffer>]);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async remove(name: string): Promise<void> {
    this.files.delete(name);
  }

  async openReader(name: string): Promise<SyncFileReader> {
    throw new Error(`the bench kept only ${name}'s size`);
  }
}

/** A shard read back: its size, and an error for anything that would need its bytes. */
class SizeOnlyBlob extends Blob {
  constructor(
    private readonly shard: string,
    private readonly shardBytes: number,
  ) {
    super([]);
  }

  override get size(): number {
    return this.shardBytes;
  }

  private refuse(): never {
    throw new Error(`the bench kept only ${this.shard}'s size`);
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.refuse();
  }

  override text(): Promise<string> {
    return this.refuse();
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.refuse();
  }

  override slice(): Blob {
    return this.refuse();
  }
}
