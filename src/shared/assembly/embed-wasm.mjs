// `npm run sha256-wasm` step 2: writes the compiled module's bytes as base64 into a TypeScript
// module, so the stream instantiates it synchronously anywhere (worker, page, Node, Vitest)
// without a fetch. tests/unit/sha256-wasm.test.ts checks the two agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const wasm = readFileSync(fileURLToPath(new URL('./sha256-blocks.wasm', import.meta.url)));
const out = fileURLToPath(new URL('../sha256-blocks-wasm.ts', import.meta.url));
writeFileSync(
  out,
  `// Written by \`npm run sha256-wasm\` from src/shared/assembly/sha256-blocks.ts: do not edit.\n` +
    `export const SHA256_BLOCKS_WASM_BASE64 =\n  '${wasm.toString('base64')}';\n`,
);
