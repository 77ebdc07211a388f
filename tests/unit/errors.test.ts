import { describe, expect, it } from 'vitest';
import * as errors from '../../src/shared/errors';

describe('named errors', () => {
  it('each class carries its own name as a literal, so minified builds keep it', () => {
    for (const [exported, value] of Object.entries(errors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
      const Ctor = value as new (message: string) => Error;
      const err = new Ctor('x');
      expect(err.name).toBe(exported);
      expect(errors.serializeError(err)).toEqual({ name: exported, message: 'x' });
    }
  });
});
