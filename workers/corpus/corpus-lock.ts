/**
 * One tokenization of a corpus at a time, across the origin's tabs: two tabs given the same file
 * would otherwise each drop the other's temporary files as leftovers of a kill. The second waits,
 * then finds the corpus finished (or goes on from where the first stopped).
 */
export interface CorpusLocks {
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Web Locks where the worker has them; else a lock held within this worker only. */
export function corpusLocks(): CorpusLocks {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (locks !== undefined) {
    return { exclusive: (name, fn) => locks.request(`tab-trainer-corpus:${name}`, fn) };
  }
  return WORKER_LOCKS;
}

export function inProcessLocks(): CorpusLocks {
  const tails = new Map<string, Promise<unknown>>();
  return {
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
}

const WORKER_LOCKS = inProcessLocks();
