import type { CorpusSummary, CorpusTokenFile } from '../src/shared/corpus-summary';
import {
  CorpusBusyError,
  CorpusIncompleteError,
  CorpusInUseError,
  CorpusUnavailableError,
} from '../src/shared/errors';
import { RUN_LOCK_PREFIX } from '../src/shared/lock-names';
import type { RunRecord } from '../src/shared/snapshot';
import type { CorpusRoot } from './corpus/corpus-files';
import type { CorpusLocks } from './corpus/corpus-lock';
import type { CorpusListing } from './corpus/corpus-listing';
import { CorpusStore } from './corpus/corpus-store';
import { corpusTokenFile, tokenFileName } from './corpus/token-file';

/** Which runs have their corpus open right now, in this worker and in other tabs. */
export interface OpenRuns {
  /** The run this worker holds (its shard readers are open), if any. */
  active(): RunRecord | null;
  /** Ids of runs whose writer's Web Lock some tab holds (it trains or holds them paused). */
  held(): Promise<ReadonlySet<string>>;
}

/** The stored runs, read from the snapshot store. */
export interface StoredRuns {
  listRuns(): Promise<RunRecord[]>;
}

/**
 * The page's view of the corpora in the origin private file system: each with its size and the
 * stored runs that read it, and deletion, refused by name while a run has the corpus open or a
 * tokenization of it holds its lock. Deleting a corpus stored runs still read is allowed: those
 * runs ask for their file again when opened (CorpusMissingError), as after an eviction.
 */
export class CorpusLibrary {
  private readonly store: CorpusStore | null;
  /**
   * Listings and deletions one at a time: a listing that read the addresses just before a
   * deletion would otherwise look into the deleted folder, which the OPFS root makes again.
   */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    root: CorpusRoot | null,
    private readonly runs: StoredRuns,
    private readonly open: OpenRuns,
    locks?: CorpusLocks,
  ) {
    this.store = root === null ? null : new CorpusStore(root, locks);
  }

  /** Every stored corpus, largest first (what to delete to free space). */
  list(): Promise<CorpusSummary[]> {
    return this.serial(() => this.listNow());
  }

  private async listNow(): Promise<CorpusSummary[]> {
    if (this.store === null) return [];
    const [corpora, runs] = await Promise.all([this.store.list(), this.runs.listRuns()]);
    return corpora
      .map((corpus) => withRuns(corpus, runs))
      .sort((a, b) => b.bytesOnDisk - a.bytesOnDisk || a.address.localeCompare(b.address));
  }

  /** The corpus `run` read, if it is still stored and no stored run reads it any more. */
  async unusedAfterDeleting(run: RunRecord): Promise<CorpusSummary | null> {
    const address = run.dataset.corpus?.address;
    if (address === undefined) return null;
    const corpus = (await this.list()).find((c) => c.address === address);
    return corpus !== undefined && corpus.runs.length === 0 ? corpus : null;
  }

  delete(address: string): Promise<void> {
    return this.serial(() => this.deleteNow(address));
  }

  private async deleteNow(address: string): Promise<void> {
    if (this.store === null) throw new CorpusUnavailableError();
    const corpus = (await this.listNow()).find((c) => c.address === address);
    if (corpus === undefined) return; // deleted already (here, or in another tab)
    const label = corpus.name ?? `${address.slice(0, 12)}…`;
    const active = this.open.active();
    if (active?.dataset.corpus?.address === address) throw new CorpusInUseError(label, active.name);
    const held = await this.open.held();
    const holder = corpus.runs.find((run) => held.has(run.runId));
    if (holder !== undefined) throw new CorpusInUseError(label, holder.runName);
    if (!(await this.store.delete(address))) throw new CorpusBusyError(label);
  }

  /**
   * A finished corpus's tokens as an llm.c token file (corpus/token-file.ts): a Blob that refers
   * to the shard files, never their bytes in memory. In turn with deletions, so the shards it
   * refers to are the ones the manifest it read describes.
   */
  exportTokens(address: string): Promise<CorpusTokenFile> {
    return this.serial(async () => {
      if (this.store === null) throw new CorpusUnavailableError();
      const manifest = await this.store.manifest(address);
      if (manifest === null) throw new CorpusIncompleteError(await this.label(address));
      const blob = await corpusTokenFile(this.store.files(address), manifest);
      return { fileName: tokenFileName(manifest), blob };
    });
  }

  private async label(address: string): Promise<string> {
    const listed = (await this.listNow()).find((c) => c.address === address);
    return listed?.name ?? `${address.slice(0, 12)}…`;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

function withRuns(corpus: CorpusListing, runs: readonly RunRecord[]): CorpusSummary {
  const users = runs
    .filter((run) => run.dataset.corpus?.address === corpus.address)
    .map((run) => ({ runId: run.id, runName: run.name }));
  return { ...corpus, runs: users };
}

/** The runs whose writer's Web Lock is held in any tab of this origin (none without Web Locks). */
export async function heldRunLocks(): Promise<ReadonlySet<string>> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (locks === undefined) return new Set();
  const { held = [] } = await locks.query();
  return new Set(
    held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(RUN_LOCK_PREFIX))
      .map((name) => name.slice(RUN_LOCK_PREFIX.length)),
  );
}
