// The layers the linter enforces: which folder may import which. This table is the one place
// the directions are written; eslint.config.js spreads the blocks built here,
// docs/ARCHITECTURE.md's map describes them, and tests/unit/import-layers.test.ts shows each one
// failing on a wrong import.
//
// Plain `no-restricted-imports` with regex patterns on the import string. Imports here are
// relative, so a folder is matched by name after any number of `../` (`^(\.\./)+`): the same
// pattern holds at every depth inside a layer (workers/training/models as workers/training).
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';

const WORKERS_DIR = new URL('../workers/', import.meta.url);

/** An import that climbs out of the importing folder and reaches `target` (a regex). */
const climbsTo = (target) => String.raw`^(\.\./)+${target}(/|$)`;

const SRC_CLIENT = climbsTo('(src/)?client');
const SRC_UI = climbsTo('(src/)?ui');
const SRC_MAIN = String.raw`^(\.\./)+(src/)?main(\.ts)?$`;
const ANY_WORKER = climbsTo('workers');
const TFJS = '^@tensorflow/';
// Seen from workers/, bench/ or tests/: the page's own code, which only the page may import.
const PAGE_CODE = climbsTo('src/(client|ui|main(\\.ts)?)');
// Everything in workers/store but its index, from any folder (./store/... from workers/*.ts).
const STORE_INTERNAL = String.raw`^(\./|(\.\./)+)(workers/)?store/(?!index(\.ts)?$)`;

// Seen from tests: the store's internals but its index and its test entry (testing.ts).
const STORE_INTERNAL_FOR_TESTS = String.raw`^(\./|(\.\./)+)(workers/)?store/(?!(index|testing)(\.ts)?$)`;

const STORE_MESSAGE =
  '[layers: store surface] Code outside workers/store reaches the store only through ' +
  'workers/store/index.ts, its public surface: import from the index, and export what you ' +
  'need there.';

/**
 * The worker's folders and the other worker folders each may import (through the store's index
 * for the store): store < training < snapshot, checkpoint, jobs < the worker's top-level files.
 * No folder imports its own importers, so no two worker folders import each other.
 */
const WORKER_FOLDERS = {
  store: {
    may: [],
    why: 'the store is the bottom layer: it keeps records and knows nothing of training',
  },
  training: {
    may: ['store'],
    why:
      'training is the lower layer that snapshots, checkpoints and jobs build on; it reaches ' +
      'the snapshotter only through the port it owns (training/snapshot-port.ts)',
  },
  snapshot: {
    may: ['training', 'store'],
    why: 'snapshots save a training session; training talks back only through its own port',
  },
  checkpoint: {
    may: ['training', 'store'],
    why: 'checkpoint files are built from training state and stored runs',
  },
  jobs: {
    may: ['training', 'store'],
    why: 'inference jobs run trained models over stored snapshots',
  },
  corpus: {
    may: ['training', 'store'],
    why:
      'corpora are texts tokenized with the training tokenizers into OPFS shards; training ' +
      'reads them only through its own TokenSource interface',
  },
};

/** The worker's top-level files (the entry, the service, the run library, the bench surface). */
function topLevelWorkerFiles() {
  const entries = readdirSync(WORKERS_DIR, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory() && !(entry.name in WORKER_FOLDERS)) {
      throw new Error(
        `workers/${entry.name} has no layer: add it to WORKER_FOLDERS in lint/import-layers.js ` +
          'with the worker folders it may import, and to the map in docs/ARCHITECTURE.md.',
      );
    }
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => entry.name.replace(/\.ts$/, '').replaceAll('.', '\\.'));
}

const rule = (name, message, denied, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: denied.join('|'), caseSensitive: true, message: `[layers: ${name}] ${message}` },
        ...extra,
      ],
    },
  ],
});

const storeRule = { regex: STORE_INTERNAL, caseSensitive: true, message: STORE_MESSAGE };

function workerBlocks() {
  const topLevel = topLevelWorkerFiles();
  const TOP_LEVEL = String.raw`^(\.\./)+(workers/)?(${topLevel.join('|')})(\.ts)?$`;
  const folders = Object.entries(WORKER_FOLDERS).map(([folder, { may, why }]) => {
    const others = Object.keys(WORKER_FOLDERS).filter((f) => f !== folder && !may.includes(f));
    const allowed = [folder, ...may].map((f) =>
      f === 'store' && folder !== 'store' ? 'workers/store (its index)' : `workers/${f}`,
    );
    const denied = [PAGE_CODE, TOP_LEVEL];
    if (others.length > 0) denied.push(climbsTo(`(workers/)?(${others.join('|')})`));
    const message = `workers/${folder} may import only ${allowed.join(', ')} and src/shared; ${why}.`;
    return {
      files: [`workers/${folder}/**/*.ts`],
      rules: rule(`workers/${folder}`, message, denied, folder === 'store' ? [] : [storeRule]),
    };
  });
  const topMessage =
    "the worker's top-level files may import every worker folder (the store through its " +
    "index) and src/shared, never the page's own code.";
  return [
    ...folders,
    { files: ['workers/*.ts'], rules: rule('workers', topMessage, [PAGE_CODE], [storeRule]) },
  ];
}

const PAGE_WORKER_MESSAGE =
  "reaches the worker only through TrainerApi (src/shared/api.ts) and the worker entry's URL " +
  '(workers/trainer.worker.ts): it never imports worker code or tfjs.';

// `new URL('…/workers/…')` and `import('…/workers/…')` start or load worker code without an
// import declaration; the page may name only the worker entry so. (esquery regexes: no slashes.)
const WORKER_URL = 'Literal[value=/workers./]:not([value=/workers.trainer.worker.ts$/])';
const pageSyntax = {
  'no-restricted-syntax': [
    'error',
    {
      selector: `NewExpression[callee.name="URL"] > ${WORKER_URL}`,
      message: `[layers: page] The page ${PAGE_WORKER_MESSAGE}`,
    },
    {
      selector: `ImportExpression > Literal[value=/workers./]`,
      message: `[layers: page] The page ${PAGE_WORKER_MESSAGE}`,
    },
  ],
};

const pageBlocks = [
  {
    files: ['src/*.ts'],
    rules: rule('page', `The page (src/) ${PAGE_WORKER_MESSAGE}`, [ANY_WORKER, TFJS]),
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: rule(
      'src/ui',
      "src/ui may import only src/ui and src/shared; the page's client drives the view, not the other way.",
      [SRC_CLIENT, SRC_MAIN, ANY_WORKER, TFJS],
    ),
  },
  {
    files: ['src/client/**/*.ts'],
    rules: rule(
      'src/client',
      `src/client may import only src/client, src/ui and src/shared; it ${PAGE_WORKER_MESSAGE}`,
      [SRC_MAIN, ANY_WORKER, TFJS],
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: rule(
      'src/shared',
      'src/shared may import only src/shared: the page and the worker both import it, so it imports neither.',
      [SRC_CLIENT, SRC_UI, SRC_MAIN, ANY_WORKER, TFJS],
    ),
  },
  { files: ['src/**/*.ts'], rules: pageSyntax },
];

const benchBlock = {
  files: ['bench/**/*.{ts,mjs}'],
  rules: rule(
    'bench',
    'bench/ may import only workers/bench-surface.ts (the public surface the bench drives) and ' +
      "src/shared, never the worker's internals or the page's code: export what a suite needs " +
      'from workers/bench-surface.ts.',
    [String.raw`^(\.\./)+workers(/(?!bench-surface(\.ts)?$)|$)`, PAGE_CODE],
  ),
};

// Tests may reach into any layer to test it, but the store only through its index and its
// documented test entry, workers/store/testing.ts (fault hooks, raw connection, backoff).
const testsStoreRule = {
  regex: STORE_INTERNAL_FOR_TESTS,
  caseSensitive: true,
  message:
    '[layers: store surface] Code outside workers/store reaches the store only through ' +
    'workers/store/index.ts (tests also through its test entry, workers/store/testing.ts): ' +
    'export what a test needs from one of them.',
};
const testsBlock = {
  files: ['tests/**/*.{ts,mts,mjs}'],
  rules: { 'no-restricted-imports': ['error', { patterns: [testsStoreRule] }] },
};

/** Flat-config blocks: each file matches exactly one no-restricted-imports block. */
export const importLayers = [...pageBlocks, ...workerBlocks(), benchBlock, testsBlock];
