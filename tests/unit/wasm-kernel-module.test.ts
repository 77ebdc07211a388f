import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { kernelModuleSections, loadKernelFiles } from './kernel-files';

const root = fileURLToPath(new URL('../..', import.meta.url));

// What kernels/assembly/index.ts exports: wasm-kernel-module.ts's KernelExports.
const MODULE_EXPORTS = [
  'adamStep',
  'attentionBackward',
  'attentionForward',
  'columnSum',
  'crossEntropyBackward',
  'crossEntropyForward',
  'embeddingBackward',
  'embeddingForward',
  'geluBackward',
  'geluForward',
  'layerNormBackward',
  'layerNormForward',
  'sumSquares',
  'transpose2d',
];

describe('the kernel module', () => {
  it('imports only tfjs-wasm memory and has no data to write into it', async () => {
    for (const shared of [false, true]) {
      const bytes = new Uint8Array((await loadKernelFiles(shared)) as ArrayBuffer);
      const module = new WebAssembly.Module(bytes);
      expect(WebAssembly.Module.imports(module)).toEqual([
        { module: 'env', name: 'memory', kind: 'memory' },
      ]);
      expect(
        WebAssembly.Module.exports(module)
          .map((e) => e.name)
          .sort(),
      ).toEqual(MODULE_EXPORTS);
      // Section 11 is data, 6 globals: a module that had either would own state in tfjs's heap.
      expect(kernelModuleSections(bytes)).not.toContain(11);
      expect(kernelModuleSections(bytes)).not.toContain(6);
    }
  });

  it(
    'is what `npm run kernels` builds from kernels/assembly/ now',
    { timeout: 300_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kernels-'));
      try {
        const script = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).scripts
          .kernels as string;
        // The same commands, written to a temporary folder.
        const commands = script
          .split(' && ')
          .map((c) => c.replace(/-o workers\/training\/kernels\/wasm\//, `-o ${dir}/`));
        for (const command of commands) {
          const [, ...args] = command.split(' ');
          await promisify(execFile)(join(root, 'node_modules/.bin/asc'), args, { cwd: root });
        }
        for (const [shared, name] of [
          [false, 'kernels.wasm'],
          [true, 'kernels-shared.wasm'],
        ] as const) {
          const built = new Uint8Array(await readFile(join(dir, name)));
          const committed = new Uint8Array((await loadKernelFiles(shared)) as ArrayBuffer);
          expect(built, `${name} is stale: run npm run kernels`).toEqual(committed);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
