import {
  CorpusStore,
  TEMP_SUFFIX,
  inProcessLocks,
  type CorpusFiles,
  type CorpusManifest,
  type CorpusProgressEvent,
  type CorpusRoot,
  type SyncFileReader,
} from '../../workers/bench-surface';

type CorpusSpec = Parameters<CorpusStore['open']>[2];

/** What a manifest must keep for the resumed corpus to be the uninterrupted one. */
const COMPARED = ['address', 'bytes', 'dtype', 'shards', 'tokens', 'documents'] as const;

export interface KillResumeResult {
  readonly bytes: number;
  /** Bytes of text the killed run had reported read when its next shard write was cut. */
  readonly killedAtBytes: number;
  /** Shards the killed run had committed (each with its progress.json) when it was cut. */
  readonly committedShards: number;
  /** The reload's first progress: where it went on (the page's startedAt) and from which shard. */
  readonly startedAt: number;
  readonly resumedFromShard: number;
  /** What differs from the uninterrupted manifest; empty when the shards are identical. */
  readonly differences: readonly string[];
  /** The killed run and the reload's, hashing pass included. */
  readonly killedMs: number;
  readonly resumedMs: number;
}

/**
 * Tokenizes `source` into `root` (fresh, empty), killed as a tab is once half the text is read
 * and a shard committed: the next write leaves a torn temporary file and never returns, so nothing after it runs (no
 * cleanup, no error handling, the lock never released). Then opens it again as a reload does, on
 * a new CorpusStore with locks of its own (a new worker), and compares the manifest it gives with
 * the uninterrupted run's, shard hashes included (the shards themselves may be kept as sizes).
 */
export async function killAndResume(
  name: string,
  source: Blob,
  spec: CorpusSpec,
  root: CorpusRoot,
  uninterrupted: CorpusManifest,
  clock: () => number,
): Promise<KillResumeResult> {
  const dying = new KilledAtHalfRoot(root);
  let killedAtBytes = 0;
  let committedShards = 0;
  const killedStart = clock();
  // Never settles once killed: it is dropped, as a killed tab's work is.
  const run = new CorpusStore(dying, inProcessLocks()).open(name, source, spec, {
    onProgress: (event) => {
      if (event.phase !== 'tokenizing') return;
      killedAtBytes = event.bytesDone;
      committedShards = event.shards;
      // At least one shard committed, or the reload would have nothing to go on from.
      if (event.bytesDone * 2 >= event.bytesTotal && event.shards > 0) dying.arm();
    },
  });
  const finished = await Promise.race([dying.killed.then(() => false), run.then(() => true)]);
  if (finished) {
    throw new Error(
      `${name} was tokenized whole before a kill could come: a shard must be committed before ` +
        'half the text is read, so give the bench a larger corpus (CORPUS_BENCH_MB)',
    );
  }
  const killedMs = clock() - killedStart;

  let first: (CorpusProgressEvent & { phase: 'tokenizing' }) | null = null;
  const resumedStart = clock();
  const resumed = await new CorpusStore(root, inProcessLocks()).open(name, source, spec, {
    onProgress: (event) => {
      if (event.phase === 'tokenizing') first ??= event;
    },
  });
  const resumedMs = clock() - resumedStart;
  const start = first as (CorpusProgressEvent & { phase: 'tokenizing' }) | null;
  return {
    bytes: source.size,
    killedAtBytes,
    committedShards,
    startedAt: start?.bytesDone ?? 0,
    resumedFromShard: start?.shards ?? 0,
    differences: manifestDifferences(uninterrupted, resumed),
    killedMs,
    resumedMs,
  };
}

function manifestDifferences(want: CorpusManifest, got: CorpusManifest): string[] {
  const out: string[] = COMPARED.filter((key) => want[key] !== got[key]).map(
    (key) => `${key}: ${String(got[key])}, uninterrupted ${String(want[key])}`,
  );
  const shards = Math.max(want.shardSha256.length, got.shardSha256.length);
  for (let i = 0; i < shards; i++) {
    if (want.shardSha256[i] !== got.shardSha256[i]) out.push(`shard ${i}'s SHA-256`);
  }
  return out;
}

/** A write that never returns: the tab is gone. */
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/**
 * The corpus root as a killed tab leaves it: once armed, the next write gets half its bytes into
 * its temporary file and then nothing, nor does anything asked of the files after it.
 */
class KilledAtHalfRoot implements CorpusRoot {
  private armed = false;
  private dead = false;
  private onKill: () => void = () => undefined;
  readonly killed = new Promise<void>((resolve) => (this.onKill = resolve));

  constructor(private readonly inner: CorpusRoot) {}

  arm(): void {
    this.armed = true;
  }

  folder(address: string): CorpusFiles {
    const files = this.inner.folder(address);
    const alive = <T>(run: () => Promise<T>): Promise<T> => (this.dead ? never() : run());
    return {
      writeAtomic: async (name, data) => {
        if (this.dead) return never();
        if (!this.armed) return files.writeAtomic(name, data);
        await files.writeAtomic(name + TEMP_SUFFIX, data.subarray(0, data.length >> 1));
        this.dead = true;
        this.onKill();
        return never();
      },
      read: (name) => alive(() => files.read(name)),
      list: () => alive(() => files.list()),
      remove: (name) => alive(() => files.remove(name)),
      openReader: (name): Promise<SyncFileReader> => alive(() => files.openReader(name)),
    };
  }

  addresses(): Promise<string[]> {
    return this.dead ? never() : this.inner.addresses();
  }

  removeFolder(address: string): Promise<void> {
    return this.dead ? never() : this.inner.removeFolder(address);
  }
}
