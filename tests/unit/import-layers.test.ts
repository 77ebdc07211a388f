import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The layers of lint/import-layers.js, shown on probe sources linted as if they lay in each
// folder: a wrong import fails with its rule's message (so `npm test` fails), a right one passes.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const UI =
  "[layers: src/ui] src/ui may import only src/ui and src/shared; the page's client drives the view, not the other way.";
const CLIENT =
  '[layers: src/client] src/client may import only src/client, src/ui and src/shared; it reaches the worker only through TrainerApi';
const PAGE = '[layers: page] The page (src/) reaches the worker only through TrainerApi';
const SHARED = '[layers: src/shared] src/shared may import only src/shared:';
const STORE_SURFACE =
  '[layers: store surface] Code outside workers/store reaches the store only through workers/store/index.ts';
const STORE =
  '[layers: workers/store] workers/store may import only workers/store and src/shared; the store is the bottom layer';
const TRAINING =
  '[layers: workers/training] workers/training may import only workers/training, workers/store (its index) and src/shared; training is the lower layer';
const SNAPSHOT =
  '[layers: workers/snapshot] workers/snapshot may import only workers/snapshot, workers/training, workers/store (its index) and src/shared;';
const CHECKPOINT =
  '[layers: workers/checkpoint] workers/checkpoint may import only workers/checkpoint, workers/training, workers/store (its index) and src/shared;';
const JOBS =
  '[layers: workers/jobs] workers/jobs may import only workers/jobs, workers/training, workers/store (its index) and src/shared;';
const WORKER_TOP = "[layers: workers] the worker's top-level files may import every worker folder";
const BENCH = '[layers: bench] bench/ may import only workers/bench-surface.ts';

const importOf = (from: string) => `import { probe } from '${from}';\nexport const used = probe;\n`;

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function problems(file: string, code: string): Promise<{ rule: string; text: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result!.messages.map((m) => ({ rule: m.ruleId ?? 'parse', text: m.message }));
}

/** [the probe's folder, the import, the layer message it must fail with] */
const WRONG: [string, string, string][] = [
  ['src/ui', '../client/run-owner', UI],
  ['src/ui', '@tensorflow/tfjs', UI],
  ['src', '../workers/trainer-service', PAGE],
  ['src/client', '../../workers/training/session', CLIENT],
  ['src/client', '../main', CLIENT],
  ['src/shared', '../client/page-state', SHARED],
  ['src/shared/jobs', '../../ui/format', SHARED],
  ['src/shared', '../../workers/store', SHARED],
  ['workers/jobs', '../store/store-schema', STORE_SURFACE],
  ['workers/training/models', '../../store/lineage', STORE_SURFACE],
  ['workers', './store/commit', STORE_SURFACE],
  ['tests/unit', '../../workers/store/commit', STORE_SURFACE],
  ['workers/jobs', '../store/testing', STORE_SURFACE],
  ['workers/training', '../snapshot/snapshotter', TRAINING],
  ['workers/training/models', '../../snapshot/persist-snapshot', TRAINING],
  ['workers/training', '../jobs/job-store', TRAINING],
  ['workers/training', '../../workers/checkpoint/checkpoint-io', TRAINING],
  ['workers/store', '../training/session', STORE],
  ['workers/snapshot', '../jobs/job-store', SNAPSHOT],
  ['workers/checkpoint', '../snapshot/persist-snapshot', CHECKPOINT],
  ['workers/jobs', '../checkpoint/checkpoint-io', JOBS],
  ['workers/jobs', '../trainer-service', JOBS],
  ['workers/snapshot', '../bench-surface', SNAPSHOT],
  ['workers/checkpoint', '../../src/client/page-state', CHECKPOINT],
  ['workers', '../src/ui/format', WORKER_TOP],
  ['bench/suites', '../../workers/training/session', BENCH],
  ['bench/suites', '../../workers/store', BENCH],
  ['bench', '../src/client/run-owner', BENCH],
];

/** [the probe's folder, an import its layer allows] */
const RIGHT: [string, string][] = [
  ['src/ui', '../shared/config'],
  ['src/ui', './format'],
  ['src/client', '../ui/controls'],
  ['src', './client/run-owner'],
  ['src/shared/checkpoint', '../snapshot'],
  ['workers/store', '../../src/shared/snapshot'],
  ['workers/training', '../store'],
  ['workers/training', '../../src/shared/checkpoint'],
  ['workers/training/models', '../session'],
  ['workers/snapshot', '../training/session'],
  ['workers/snapshot', '../store/index'],
  ['workers/checkpoint', '../training/adam-state'],
  ['workers/jobs', '../training/models'],
  ['workers', './snapshot/snapshotter'],
  ['bench/suites', '../../workers/bench-surface'],
  ['bench/suites', '../../src/shared/config'],
  ['tests/unit', '../../workers/training/session'],
  ['tests/unit', '../../workers/store'],
  ['tests/unit', '../../workers/store/testing'],
];

describe('import layers', () => {
  it.each(WRONG)('%s may not import %s', async (folder, from, message) => {
    const found = await problems(`${folder}/probe.ts`, importOf(from));
    expect(found).toHaveLength(1);
    expect(found[0]!.rule).toBe('no-restricted-imports');
    expect(found[0]!.text).toContain(`'${from}' import is restricted`);
    expect(found[0]!.text).toContain(message);
  });

  it.each(RIGHT)('%s may import %s', async (folder, from) => {
    expect(await problems(`${folder}/probe.ts`, importOf(from))).toEqual([]);
  });

  it('checks type imports and re-exports too', async () => {
    const typeImport =
      "import type { PageState } from '../client/page-state';\nexport type S = PageState;\n";
    const reExport = "export { PageMachine } from '../client/page-machine';\n";
    for (const code of [typeImport, reExport]) {
      const found = await problems('src/ui/probe.ts', code);
      expect(found.map((p) => p.rule)).toEqual(['no-restricted-imports']);
      expect(found[0]!.text).toContain(UI);
    }
  });

  it('lets the page start only the worker entry by URL or dynamic import', async () => {
    const start = (path: string) =>
      `export const w = new Worker(new URL('${path}', import.meta.url), { type: 'module' });\n`;
    expect(await problems('src/client/probe.ts', start('../../workers/trainer.worker.ts'))).toEqual(
      [],
    );
    const internal = await problems(
      'src/client/probe.ts',
      start('../../workers/snapshot/blob-hasher.worker.ts'),
    );
    const loaded = await problems(
      'src/ui/probe.ts',
      "export const m = import('../../workers/training/session');\n",
    );
    for (const found of [internal, loaded]) {
      expect(found.map((p) => p.rule)).toEqual(['no-restricted-syntax']);
      expect(found[0]!.text).toContain('[layers: page] The page reaches the worker only');
    }
  });
});
