import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { ShardCorpusDatasets, type CorpusSizes } from '../../workers/corpus/corpus-datasets';
import { MANIFEST_FILE, type CorpusManifest } from '../../workers/corpus/corpus-manifest';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { corpusTokenFile } from '../../workers/corpus/token-file';
import { sha256Hex } from '../../src/shared/hash';
import { evaluate, validationSet } from '../../workers/training/evaluation';
import { TrainingSession } from '../../workers/training/session';
import { GOLDEN_GPT, GOLDEN_GPT_BPE } from './golden-configs';
import { goldenDraws } from './golden-draws';
import { goldenContinuation } from './golden-continuation';
import { compareOrWrite, compareOrWriteJson } from './golden-files';
import { sessionCheckpoint } from './session-checkpoint';
import { useCpuBackend } from './tf-setup';

/**
 * Golden vectors of runs on token shards (corpus=shards, issue 20) for python/tests (see
 * golden-files.ts), made by the worker's own corpus code (ShardCorpusDatasets over in-memory
 * folders, shards far smaller than the text so windows cross them): each corpus's manifest
 * (address, counts, every shard's SHA-256), its Export tokens file's SHA-256, windows drawn per batch number and the validation
 * set, for byte and BPE tokens; and two gpt runs' checkpoints at step 20 with the next 10 steps
 * as the app's loop takes them (`shards-<tokens>.json`).
 */
const ROOT = resolve(__dirname, '../..');
const MARK_FILE = 'tests/fixtures/text/mark.txt';
const MARK = new Uint8Array(readFileSync(resolve(ROOT, MARK_FILE)));
const MARK_SIZES: CorpusSizes = { shardTokens: 4000, chunkBytes: 8191 };
/** Not UTF-8 throughout (a lone continuation byte, a cut emoji), NUL, CRLF blank lines. */
const ODD = new Uint8Array([
  ...new TextEncoder().encode('First part\r\n\r\nsecond, é and 😀'),
  0x80,
  0x00,
  0xf0,
  0x9f,
  ...new TextEncoder().encode('\n\n\nthird <|endoftext|> and the end of it all\n'),
]);
const ODD_SIZES: CorpusSizes = { shardTokens: 16, chunkBytes: 7 };
/** The odd bytes around Mark's start: text enough for a BPE of 512 tokens. */
const ODD_LONG = new Uint8Array([...ODD, ...MARK.subarray(0, 6000), ...ODD]);
const ODD_LONG_SIZES: CorpusSizes = { shardTokens: 256, chunkBytes: 1000 };
const START_STEP = 20;
const STEPS = 10;

beforeAll(useCpuBackend);

const shards = (over: Partial<RunConfig>): RunConfig =>
  validateConfig({ ...GOLDEN_GPT, ...over, corpus: 'shards' });

interface ShardCase {
  readonly file: string | null;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly sizes: CorpusSizes;
  readonly config: RunConfig;
}

const CASES: readonly ShardCase[] = [
  { file: MARK_FILE, bytes: MARK, sizes: MARK_SIZES, config: shards({}) },
  { file: MARK_FILE, bytes: MARK, sizes: MARK_SIZES, config: shards({ separator: 'Jesus' }) },
  { file: MARK_FILE, bytes: MARK, sizes: MARK_SIZES, config: shards(GOLDEN_GPT_BPE) },
  {
    file: MARK_FILE,
    bytes: MARK,
    sizes: MARK_SIZES,
    config: shards({ tokens: 'bpe', vocabSize: 512, separator: 'none' }),
  },
  { file: null, bytes: ODD, sizes: ODD_SIZES, config: shards({ context: 4, batch: 2 }) },
  {
    file: null,
    bytes: ODD_LONG,
    sizes: ODD_LONG_SIZES,
    config: shards({ context: 4, batch: 2, tokens: 'bpe', vocabSize: 512, separator: 'none' }),
  },
];

/** A corpus made from the bytes as a new run's is, and the dataset it trains on. */
async function corpusOf({ file, bytes, sizes, config }: ShardCase) {
  const root = new MemoryCorpusRoot();
  const datasets = new ShardCorpusDatasets(root, () => undefined, sizes);
  const name = file === null ? 'odd.txt' : 'mark.txt';
  const loaded = await datasets.create(config, { name, file: new Blob([bytes]) });
  const address = loaded.info.corpus!.address;
  const stored = root.folders.get(address)!.get(MANIFEST_FILE)!;
  const manifest = JSON.parse(new TextDecoder().decode(stored)) as CorpusManifest;
  // The corpus's Export tokens file, which python/tests writes from its own stream and compares.
  const tokenFile = await corpusTokenFile(root.folder(address), manifest);
  const tokenFileSha256 = await sha256Hex(new Uint8Array(await tokenFile.arrayBuffer()));
  return { loaded, manifest, tokenFileSha256 };
}

async function shardCase(c: ShardCase) {
  const { loaded, manifest, tokenFileSha256 } = await corpusOf(c);
  const set = validationSet(loaded.data, c.config);
  const golden = {
    file: c.file,
    base64: c.file === null ? Buffer.from(c.bytes).toString('base64') : null,
    config: c.config,
    info: loaded.info,
    manifest,
    tokenFileSha256,
    draws: goldenDraws(c.config, loaded.data),
    validation: {
      tokens: set.tokens,
      bytes: set.bytes,
      rows: set.chunks.map((chunk) => chunk.batch.rows),
      weights: set.chunks.map((chunk) => chunk.weight),
    },
  };
  loaded.close?.();
  return golden;
}

/** Configs that cannot run on shards, and validateConfig's words for each. */
function configRefusals() {
  const changes: Record<string, unknown>[] = [
    { corpus: 'shards', tokens: 'char' },
    { corpus: 'shards', text: 'lines', separator: 'none' },
    { corpus: 'disk' },
    { corpus: 1 },
  ];
  return changes.map((change) => {
    const config = { ...GOLDEN_GPT, ...change };
    const err = (() => {
      try {
        validateConfig(config);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.name).toBe('ConfigError');
    return { config, message: err!.message };
  });
}

describe('golden vectors of runs on token shards for python/tests', () => {
  it('corpora, windows and validation sets, byte and BPE tokens', async () => {
    const cases = [];
    for (const c of CASES) cases.push(await shardCase(c));
    // Windows read across shards: the draws reach past the first shard of every Mark case.
    expect(cases.every((c) => c.manifest.shards > 2)).toBe(true);
    compareOrWriteJson('shards.json', { cases, configRefusals: configRefusals() });
  }, 120_000);

  for (const [name, c] of [
    ['shards-byte', CASES[0]!],
    ['shards-bpe', CASES[2]!],
  ] as const) {
    it(`${name}: a checkpoint at step ${START_STEP} and ${STEPS} steps on`, async () => {
      const { loaded } = await corpusOf(c);
      const session = TrainingSession.create(c.config, loaded.data);
      for (let i = 0; i < START_STEP; i++) await session.trainStep();
      compareOrWrite(`${name}-start.safetensors`, await sessionCheckpoint(session, loaded.info));
      const validation = validationSet(loaded.data, c.config);
      const startVal = await evaluate(session.model, c.config, validation);
      const continuation = await goldenContinuation(session, STEPS);
      compareOrWrite(`${name}-end.safetensors`, await sessionCheckpoint(session, loaded.info));
      compareOrWriteJson(`${name}.json`, {
        config: c.config,
        text: c.file,
        startStep: START_STEP,
        startVal,
        continuation,
      });
      session.dispose();
      loaded.close?.();
    }, 300_000);
  }
});
