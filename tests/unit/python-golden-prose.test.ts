import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTokenizer } from '../../src/shared/checkpoint/tokenizer-meta';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import { TextTooLargeError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import { MAX_LINES_BYTES, MAX_PROSE_BYTES } from '../../src/shared/text-mode';
import { dropoutMasks } from '../../workers/training/dropout';
import { validationSet } from '../../workers/training/evaluation';
import { checkBatchFits, loadDataset } from '../../workers/training/run-setup';
import type { MemoryTextDataset } from '../../workers/training/text-dataset';
import { GOLDEN_GPT } from './golden-configs';
import { goldenDraws } from './golden-draws';
import { compareOrWriteJson } from './golden-files';

/**
 * Golden vectors of the text side of gpt runs for python/tests (see golden-files.ts): prose
 * streams and their splits for every tokenizer and separator, windows drawn per batch number
 * across an epoch and a skip list, byte lines, the validation set and its bits per byte, the
 * refusals' messages, and dropout masks.
 */
const ROOT = resolve(__dirname, '../..');
const MARK_FILE = 'tests/fixtures/text/mark.txt';
const GREEK_FILE = 'tests/fixtures/text/greek-words.txt';
const GREEK = readFileSync(resolve(ROOT, GREEK_FILE), 'utf8');
/** CRLF and LF blank runs, adjacent literals, accents and an emoji, a trailing line break. */
const SMALL =
  'In the beginning.\r\n\r\nA second story<|endoftext|>é and 😀 a third<|endoftext|>' +
  '<|endoftext|>fourth\n\n\nthe end of it all, at last\n';

interface ProseCase {
  readonly file?: string;
  readonly text?: string;
  readonly settings: Pick<RunConfig, 'tokens' | 'text' | 'separator' | 'vocabSize'>;
}

const byte = (text: 'prose' | 'lines', separator = 'none') =>
  ({ tokens: 'byte', text, separator }) as const;
const char = (separator: string) => ({ tokens: 'char', text: 'prose', separator }) as const;
const CASES: readonly ProseCase[] = [
  { file: MARK_FILE, settings: byte('prose') },
  { file: MARK_FILE, settings: byte('prose', 'blank') },
  { file: MARK_FILE, settings: byte('prose', 'Jesus') },
  { file: MARK_FILE, settings: char('none') },
  { file: MARK_FILE, settings: char('blank') },
  { file: MARK_FILE, settings: char(', ') },
  { file: MARK_FILE, settings: byte('lines') },
  { text: SMALL, settings: byte('prose', '<|endoftext|>') },
  { text: SMALL, settings: byte('prose', 'blank') },
  { text: SMALL, settings: char('<|endoftext|>') },
  { text: SMALL, settings: char('blank') },
];

/** tokens=bpe (issue 20): a BPE learned on Mark, by separator and vocabulary size. */
const bpe = (separator: string, vocabSize: number) =>
  ({ tokens: 'bpe', text: 'prose', separator, vocabSize }) as const;
const BPE_CASES: readonly ProseCase[] = [
  { file: MARK_FILE, settings: bpe('blank', 600) },
  { file: MARK_FILE, settings: bpe('none', 512) },
  { file: MARK_FILE, settings: bpe('Jesus', 1024) },
];

const ints = (a: ArrayLike<number>) => Array.from(a);
const streamSha = (a: ArrayLike<number>) => sha256Hex(Int32Array.from(a));

async function streams(data: MemoryTextDataset) {
  if (data.kind === 'lines') {
    const { train, val } = data;
    return {
      trainTokensHead: ints(train.tokens.slice(0, 64)),
      trainDocStartHead: ints(train.docStart.slice(0, 64)),
      trainTargetsHead: ints(train.targets.slice(0, 64)),
      valTokensHead: ints(val.tokens.slice(0, 64)),
      trainSha: await streamSha(train.tokens),
      valSha: await streamSha(val.tokens),
    };
  }
  return {
    documents: data.documents,
    trainLength: data.train.length,
    valLength: data.val.length,
    trainHead: ints(data.train.slice(0, 64)),
    valHead: ints(data.val.slice(0, 64)),
    trainSha: await streamSha(data.train),
    valSha: await streamSha(data.val),
  };
}

async function proseCase({ file, text, settings }: ProseCase) {
  const small = text !== undefined;
  const name = file ?? 'small.txt';
  const config = validateConfig({ ...GOLDEN_GPT, ...settings, ...(small ? { context: 4 } : {}) });
  const loaded = await loadDataset(
    name,
    text ?? readFileSync(resolve(ROOT, file!), 'utf8'),
    config,
  );
  const set = validationSet(loaded.data, config);
  return {
    file: file ?? null,
    text: text ?? null,
    name,
    config,
    info: loaded.info,
    tokenizer: describeTokenizer(config, loaded.info.vocab),
    vocabSize: loaded.data.tokenizer.vocabSize,
    streams: await streams(loaded.data),
    draws: goldenDraws(config, loaded.data),
    validation: {
      tokens: set.tokens,
      bytes: set.bytes,
      rows: set.chunks.map((c) => c.batch.rows),
      weights: set.chunks.map((c) => c.weight),
    },
  };
}

/** The browser's message for each text a run cannot train on. */
async function refusals() {
  const message = async (run: () => Promise<unknown>) => {
    const err = (await run().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    return { error: err.name, message: err.message };
  };
  const prose = (separator: string, over: Partial<RunConfig> = {}) =>
    validateConfig({ ...GOLDEN_GPT, separator, ...over });
  const load = (name: string, text: string, config: RunConfig) => async () =>
    checkBatchFits(config, await loadDataset(name, text, config));
  const manyCharacters = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x100 + i));
  const texts = [
    ['greek-words.txt', GREEK, prose('<|endoftext|>')],
    ['greek-words.txt', GREEK, prose('blank')],
    ['empty.txt', '', prose('none')],
    ['blank.txt', ' \n\t\n', validateConfig({ ...GOLDEN_GPT, text: 'lines', separator: 'none' })],
    ['small.txt', SMALL, prose('none', { context: 64 })],
    ['small.txt', SMALL, prose('none', { context: 4, batch: 4096 })],
    ['many.txt', manyCharacters.join(''), prose('none', { tokens: 'char' })],
  ] as const;
  const cases = [];
  for (const [name, text, config] of texts) {
    cases.push({ name, text, config, ...(await message(load(name, text, config))) });
  }
  const tooLarge = [
    { name: 'big.txt', bytes: MAX_LINES_BYTES + 524288, limit: MAX_LINES_BYTES, mode: 'lines' },
    { name: 'huge.txt', bytes: 1342177280, limit: MAX_PROSE_BYTES, mode: 'prose' },
    { name: 'odd.txt', bytes: 1310720, limit: 1048576, mode: 'prose' },
    { name: 'tiny.txt', bytes: 5000, limit: 3000, mode: 'lines' },
  ] as const;
  return {
    texts: cases,
    tooLarge: tooLarge.map((facts) => ({ facts, message: new TextTooLargeError(facts).message })),
    configs: configRefusals(),
  };
}

/** gpt configs the model cannot build, and validateConfig's words for each. */
function configRefusals() {
  const changes: Record<string, unknown>[] = [
    { heads: 3 },
    { model: 'mlp' },
    { model: 'transformer', dropout: 0 },
    { text: 'lines' },
    { separator: 'x'.repeat(65) },
    { separator: '' },
    { tokens: 'word' },
    { layers: 49 },
    { model: 'transformer', layers: 5, dropout: 0, tie: 0 },
    { dropout: 0.95 },
    { tie: 0.5 },
    { beta2: 1 },
  ];
  return changes.map((change) => {
    const config = { ...GOLDEN_GPT, ...change };
    let message = '';
    try {
      validateConfig(config);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toBe('');
    return { config, message };
  });
}

describe('golden vectors of prose and dropout for python/tests', () => {
  it('prose streams, windows, byte lines, validation sets and refusals', async () => {
    const cases = [];
    for (const c of CASES) cases.push(await proseCase(c));
    compareOrWriteJson('prose.json', { cases, refusals: await refusals() });
  });

  it('BPE prose: the learned tokenizer.json, streams, windows and validation sets', async () => {
    const cases = [];
    for (const c of BPE_CASES) cases.push(await proseCase(c));
    compareOrWriteJson('bpe-prose.json', { cases });
  });

  it('dropout masks, one stream per batch number', async () => {
    const cases = [
      { seed: 7, number: 0, p: 0.1, sites: 5, size: 64 },
      { seed: 0xffffffff, number: 123456, p: 0.5, sites: 3, size: 1000 },
      { seed: 1, number: 2 ** 31 + 5, p: 0.9, sites: 1, size: 257 },
      // gpt-nano's batch: 7 sites of 16 × 64 × 96 (python/tabtrainer draws these in lanes).
      { seed: 3, number: 77, p: 0.1, sites: 7, size: 98304 },
    ];
    const golden = [];
    for (const c of cases) {
      const masks = dropoutMasks(c.seed, c.number, c.p, c.sites, c.size);
      const all = new Float32Array(masks.flatMap((m) => Array.from(m)));
      golden.push({
        ...c,
        head: Array.from(all.slice(0, 80)),
        dropped: all.filter((v) => v === 0).length,
        sha256: await sha256Hex(all),
      });
    }
    compareOrWriteJson('dropout.json', golden);
  });
});
