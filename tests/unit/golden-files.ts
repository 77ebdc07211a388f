import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

/**
 * The golden vectors python/tests asserts (tests/fixtures/golden): what the browser's code
 * computes. A test recomputes each and fails when the committed file differs or is missing, so
 * a change on either side is caught. Rewriting them is a deliberate act: `npm run golden`
 * (UPDATE_GOLDEN=1), then the Python tests against them.
 */
export const GOLDEN_DIR = resolve(__dirname, '../fixtures/golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const REGENERATE =
  'if the change is intended, rewrite the goldens with `npm run golden` and run `npm run test:python`';

export function compareOrWrite(name: string, bytes: Uint8Array): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, bytes);
  }
  expect(existsSync(path), `golden ${name} is missing: ${REGENERATE}`).toBe(true);
  const same = Buffer.from(readFileSync(path)).equals(Buffer.from(bytes));
  expect(same, `golden ${name} differs from what the code computes: ${REGENERATE}`).toBe(true);
}

export function compareOrWriteJson(name: string, value: unknown): void {
  compareOrWrite(name, new TextEncoder().encode(`${JSON.stringify(value)}\n`));
}
