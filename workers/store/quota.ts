/**
 * True for the browser's out-of-storage failure, whether a put threw it or the transaction
 * aborted with it (idb rejects `tx.done` with `tx.error`, so both arrive here as the error).
 */
export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  // Old Firefox names it NS_ERROR_DOM_QUOTA_REACHED; legacy DOMException code 22 is the same.
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (err instanceof DOMException && code === 22)
  );
}
