/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those), so callers switch on `err.name`, never on
 * instanceof. Each message says what went wrong and what to do next.
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
}

/** An error as one line of text, its name first ("QuotaExceededError: …"), for a cause or a detail. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}
