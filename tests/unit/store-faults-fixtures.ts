import { forceCloseDatabase, IDBFactory } from 'fake-indexeddb';
import { SnapshotStore, type StoreOptions } from '../../workers/store';
import {
  openTrainerDb,
  type Clock,
  type CommitPoint,
  type FaultHooks,
  type MirrorFiles,
  type TrainerDatabase,
} from '../../workers/store/testing';

/** A clock whose sleeps only advance its time: backoff is observed, never waited for. */
export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

export function fakeClock(): FakeClock {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
      // A real turn of the event loop, so work queued meanwhile gets to run.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

/**
 * What Chromium does to a connection on a failed write or cleared site data: aborts its
 * transactions, then closes it and fires `close`.
 */
export function dropConnection(
  info: Pick<CommitPoint, 'connection'> & { abort?: () => void },
): void {
  info.abort?.();
  forceCloseDatabase(info.connection as never);
}

export interface FaultyStore {
  readonly store: SnapshotStore;
  readonly raw: TrainerDatabase;
  readonly factory: IDBFactory;
  readonly clock: FakeClock;
}

export async function faultyStore(
  faults: FaultHooks = {},
  options: Partial<StoreOptions> = {},
): Promise<FaultyStore> {
  const factory = new IDBFactory();
  const clock = fakeClock();
  const store = await SnapshotStore.open({
    factory,
    name: 'test',
    faults,
    clock,
    mirror: null,
    estimate: async () => null,
    persisted: async () => false,
    ...options,
  });
  const raw = await openTrainerDb({ factory, name: 'test' });
  return { store, raw, factory, clock };
}

/** An in-memory MirrorFiles that records what it was asked to do. */
export class MemoryFiles implements MirrorFiles {
  readonly files = new Map<string, Blob>();
  readonly log: string[] = [];
  failWrites = false;

  async writeAtomic(name: string, data: Blob): Promise<void> {
    if (this.failWrites) throw new DOMException('no room', 'QuotaExceededError');
    // As the OPFS one does: the whole file under a temporary name, then a rename.
    this.files.set(`${name}.partial`, data);
    this.log.push(`write ${name}.partial`);
    this.files.delete(`${name}.partial`);
    this.files.set(name, data);
    this.log.push(`move ${name}`);
  }

  async read(name: string): Promise<Blob | null> {
    return this.files.get(name) ?? null;
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async remove(name: string): Promise<void> {
    this.log.push(`remove ${name}`);
    this.files.delete(name);
  }
}
