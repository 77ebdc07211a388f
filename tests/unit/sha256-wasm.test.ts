import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHA256_BLOCKS_WASM_BASE64 } from '../../src/shared/sha256-blocks-wasm';

describe('the SHA-256 compression module', () => {
  it('the embedded bytes are the compiled module `npm run sha256-wasm` wrote', () => {
    const wasm = readFileSync(
      new URL('../../src/shared/assembly/sha256-blocks.wasm', import.meta.url),
    );
    expect(Buffer.from(SHA256_BLOCKS_WASM_BASE64, 'base64').equals(wasm)).toBe(true);
  });
});
