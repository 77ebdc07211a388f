import { describe, expect, it } from 'vitest';
import * as errors from '../../src/shared/errors';

describe('named errors', () => {
  it('each class carries its own name as a literal, so minified builds keep it', () => {
    for (const [exported, value] of Object.entries(errors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
      const Ctor = value as new (...args: unknown[]) => Error;
      const err = new Ctor('x', 'y');
      expect(err.name).toBe(exported);
      expect(errors.serializeError(err)).toEqual({ name: exported, message: err.message });
    }
  });

  it("builds a failure's message from its facts, so it reads the same wherever it is thrown", () => {
    expect(new errors.RunNotFoundError('r1').message).toBe(
      new errors.RunNotFoundError('r1').message,
    );
    expect(new errors.RunNotFoundError('r1').message).toMatch(/Run r1 no longer exists/);
    expect(new errors.StorageQuotaError(12, 10).message).toMatch(
      /step 12 could not be saved.*last good snapshot \(step 10\) is intact/,
    );
    expect(new errors.ActionRefusedError('Pause', 'resuming').message).toBe(
      'Pause is not possible while the page is resuming a run. Wait until it has finished and try again.',
    );
  });
});
