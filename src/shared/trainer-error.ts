/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those; serializeError adds the facts the page acts on),
 * so callers switch on `err.name` and those facts, never on instanceof or the message's text.
 * Each message says what went wrong and what to do next.
 *
 * Where a failure can be thrown from more than one place, its class builds the message from
 * the facts it is given (as web-llm's error.ts does), so it reads the same wherever it comes
 * from. Classes whose every throw site states a different fact (a config field out of range,
 * a malformed checkpoint entry) take the message.
 */
// Names are spelled out, not read from the constructor: the production build minifies class
// names, and a minified name would reach the page as "t: ...".
export class TrainerError extends Error {
  override name = 'TrainerError';
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  /**
   * TrainerCrashedError's fact, absent on every other error: false while the page restarts the
   * worker by itself (the restart's notice reports it), true once the restarts are spent.
   */
  readonly repeatedly?: boolean;
}

/** An error as one line of text, its name first ("QuotaExceededError: …"), for a cause or a detail. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * An error as it crosses a worker or reaches the page's error area: its name, its message, and
 * the facts the page acts on, so that nothing matches message text.
 */
export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const { name, message } = err;
  // By name, not instanceof: the class is declared in errors.ts, which imports this file.
  const repeatedly = (err as { readonly repeatedly?: unknown }).repeatedly;
  if (name === 'TrainerCrashedError' && typeof repeatedly === 'boolean') {
    return { name, message, repeatedly };
  }
  return { name, message };
}
