/**
 * One tokenization of a corpus at a time, across the origin's tabs: two tabs given the same file
 * would otherwise each drop the other's temporary files as leftovers of a kill. The second waits,
 * then finds the corpus finished (or goes on from where the first stopped).
 */
export interface CorpusLocks {
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` holding the lock if no one holds it now (true); else false, without waiting. */
  tryExclusive(name: string, fn: () => Promise<void>): Promise<boolean>;
}

/** Web Locks where the worker has them; else a lock held within this worker only. */
export function corpusLocks(): CorpusLocks {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (locks !== undefined) {
    const lockName = (name: string) => `tab-trainer-corpus:${name}`;
    return {
      exclusive: (name, fn) => locks.request(lockName(name), fn),
      tryExclusive: (name, fn) =>
        locks.request(lockName(name), { ifAvailable: true }, async (lock) => {
          if (lock === null) return false;
          await fn();
          return true;
        }),
    };
  }
  return WORKER_LOCKS;
}

export function inProcessLocks(): CorpusLocks {
  const tails = new Map<string, Promise<unknown>>();
  const locks: CorpusLocks = {
    async tryExclusive(name, fn) {
      if (tails.has(name)) return false;
      await locks.exclusive(name, fn);
      return true;
    },
    async exclusive(name, fn) {
      const before = tails.get(name) ?? Promise.resolve();
      const run = before.then(fn, fn);
      const tail = run.catch(() => undefined);
      tails.set(name, tail);
      try {
        return await run;
      } finally {
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
  return locks;
}

const WORKER_LOCKS = inProcessLocks();
