interface Transaction {
  readonly done: Promise<void>;
  /** Why the transaction aborted, once it has (null for an explicit abort). */
  readonly error?: DOMException | null;
  abort(): void;
}

/**
 * Runs `body` inside `tx` and resolves once the transaction has committed. Must leave nothing
 * behind if `body` throws or the transaction aborts: it aborts `tx`, waits for the abort to
 * finish, and rejects with the first error.
 */
export async function inTransaction<T>(tx: Transaction, body: () => Promise<T>): Promise<T> {
  const done = tx.done;
  // Observed below; this keeps a rejection that lands while `body` runs from going unhandled.
  done.catch(() => undefined);
  try {
    const result = await body();
    await done;
    return result;
  } catch (err) {
    try {
      tx.abort();
    } catch {
      // Already finished (committed or aborted on its own): nothing left to undo.
    }
    await done.catch(() => undefined);
    throw causeOf(err, tx);
  }
}

/**
 * A request of an aborted transaction fails with a bare AbortError ("The transaction was
 * aborted"); the reason (a full disk, an exhausted quota) is the transaction's own error.
 */
function causeOf(err: unknown, tx: Transaction): unknown {
  const name = (err as { name?: unknown } | null)?.name;
  if (name !== 'AbortError') return err;
  try {
    return tx.error ?? err;
  } catch {
    return err;
  }
}

/**
 * Collects the requests a transaction issues without awaiting each. Must not let one failed
 * request go unhandled when an earlier error aborts the transaction.
 */
export class Writes {
  private readonly pending: Promise<unknown>[] = [];

  add(request: Promise<unknown>): void {
    request.catch(() => undefined);
    this.pending.push(request);
  }

  async all(): Promise<void> {
    await Promise.all(this.pending);
  }
}
