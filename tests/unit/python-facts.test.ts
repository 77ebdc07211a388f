import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FACTS_COMMAND, FACTS_FILE, pythonFactsText } from './python-facts';

/**
 * python/tabtrainer reads its limits, format versions, error names and the guard's constants
 * from FACTS_FILE. This fails when the checked-in file is not what the TypeScript says now;
 * FACTS_COMMAND (UPDATE_FACTS=1) rewrites it, and the Python tests then run against it.
 */
const path = resolve(__dirname, '../..', FACTS_FILE);
const UPDATE = process.env['UPDATE_FACTS'] === '1';

describe('the facts file of the Python port', () => {
  it(`${FACTS_FILE} is what the TypeScript sources say`, () => {
    const want = pythonFactsText();
    if (UPDATE) writeFileSync(path, want);
    const stale = `${FACTS_FILE} differs from the TypeScript sources: run \`${FACTS_COMMAND}\` and commit it, then run the Python tests (npm run test:python)`;
    expect(existsSync(path), `${FACTS_FILE} is missing: run \`${FACTS_COMMAND}\``).toBe(true);
    expect(readFileSync(path, 'utf8'), stale).toBe(want);
  });
});
