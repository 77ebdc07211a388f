import { statSync } from 'node:fs';
import path from 'node:path';
import { SHARDS, corpusFile } from '../e2e/generated-corpus';
import { keepDownloads, keptDownload } from './downloads';
import type { EnginePage } from './engine-page';
import { BASE_URL, expect, test } from './fixtures';
import { countOf, numberOf, resumedFrom, testId, waitForAtLeast, waitForText } from './page-state';
import { firstDifference, mirroredTokenFile, type MirrorTokenizer } from './token-file-mirror';

// Corpora on token shards (corpus=shards) in the other engines: Firefox has every piece (the
// origin private file system, sync access handles and move() in the worker), so the whole
// promise runs there, Export tokens included; WebKitGTK has none of it as it ships, and the page
// says so by name.

/**
 * MB of generated prose: two shards of byte tokens (8 Mi tokens a shard), long enough to
 * tokenize that the page is seen tokenizing.
 */
const MEGABYTES = 12;
const LABEL = 'Training text file';
/**
 * The Chromium suite's shard run, learning a BPE of 512 on the text instead of byte tokens, on
 * Mark's paragraphs: the generated prose has too few distinct pairs to fill 512 tokens.
 */
const BPE_SHARDS = SHARDS.replace('tokens=byte', 'tokens=bpe&vocabSize=512');
const MARK = path.join(import.meta.dirname, '../fixtures/text/mark.txt');

/** The training split's token count the dataset box shows ("3,012,345"). */
async function tokensShown(page: EnginePage): Promise<number> {
  return Number((await waitForText(page, 'dataset-tokens', /^[\d,]+$/)).replace(/,/g, ''));
}

/** llm.c's token file header as Export tokens writes it: magic, version, count, our address. */
function headerOf(bytes: Buffer) {
  return {
    size: bytes.length,
    ints: [0, 1, 2].map((i) => bytes.readInt32LE(4 * i)),
    address: bytes.subarray(12, 44).toString('hex'),
    restIsZero: bytes.subarray(44, 1024).every((b) => b === 0),
  };
}

/**
 * Export tokens of the one corpus in the Corpora list (a paused page's action): the corpus the
 * row shows, all of it, byte for byte the file the PyTorch bridge's mirror of the tokenizer makes
 * from the same text (the Chromium and Node exporters' file, see the mirror). `trainTokens`: the
 * dataset box's training split, which the row's count must cut to.
 */
async function expectExportedTokens(
  page: EnginePage,
  file: string,
  tokenizer: MirrorTokenizer,
  trainTokens: number,
  mirrorPath: string,
): Promise<number> {
  await page.click('Pause');
  await waitForText(page, 'status', 'paused');
  await waitForText(page, 'corpus-state', 'complete');
  expect(await countOf(page, 'corpus-row')).toBe(1);
  const address = await page.run<string>(
    `return document.querySelector('[data-testid=corpus-row]').dataset.address;`,
  );
  const count = Number((await testId(page, 'corpus-tokens'))!.replace(/\D/g, ''));
  // The row counts both splits; the dataset box the training split (prose-data.ts's cut).
  expect(count - Math.ceil(count * 0.1)).toBe(trainTokens);
  await keepDownloads(page);
  const name = path.basename(file);
  await page.click(`Export tokens of corpus ${name}`);
  const exported = await keptDownload(page, 0);
  const suffix = tokenizer.tokens === 'byte' ? 'byte' : `bpe${tokenizer.vocabSize}`;
  expect(exported.name).toBe(name.replace(/\.txt$/, `.${suffix}.bin`));
  expect(headerOf(exported.bytes)).toEqual({
    size: 1024 + 2 * count,
    ints: [20240520, 1, count],
    address,
    restIsZero: true,
  });
  const mirrored = mirroredTokenFile(file, tokenizer, mirrorPath);
  expect(firstDifference(exported.bytes, mirrored), 'the first byte that differs').toBe(-1);
  await waitForText(page, 'error', '');
  return count;
}

test('Firefox: a corpus tokenized into shards trains, after the browser is killed resumes from them, and exports its tokens', async ({
  launch,
  engine,
}, info) => {
  test.skip(engine !== 'firefox', 'WebKitGTK has no origin private file system (next tests)');
  const file = corpusFile('engines-shards', MEGABYTES, 7);
  const first = await launch();
  await first.page.goto(BASE_URL + SHARDS);
  await waitForText(first.page, 'status', 'idle');
  await first.page.chooseFile(LABEL, file);
  await waitForText(first.page, 'dataset-status', 'tokenizing');
  await waitForText(first.page, 'dataset-status', 'ready');
  await waitForText(first.page, 'dataset-progress', '100');
  const tokens = await tokensShown(first.page);
  // Byte tokens: one a byte of the training split (the held-out split is the rest).
  expect(tokens).toBeGreaterThan(0.8 * MEGABYTES * 1e6);
  expect(tokens).toBeLessThan(MEGABYTES * 1e6);
  await waitForText(first.page, 'status', 'training');
  const committed = await waitForAtLeast(first.page, 'last-snapshot-step', 3);
  await first.kill();

  // A new browser on the same profile: the run resumes, reading the shards it left in OPFS
  // (no file chosen again).
  const { page } = await launch();
  await page.goto(BASE_URL + SHARDS);
  const notice = await waitForText(page, 'notice', /Resuming .* from step \d+/);
  expect(resumedFrom(notice)).toBeGreaterThanOrEqual(committed);
  await waitForText(page, 'dataset-status', 'ready');
  expect(await tokensShown(page)).toBe(tokens);
  await waitForText(page, 'status', 'training');
  await waitForAtLeast(page, 'step', resumedFrom(notice) + 2);
  await waitForText(page, 'error', '');

  // Export tokens from the shards the killed browser left. SHARDS's separator=blank.
  const count = await expectExportedTokens(
    page,
    file,
    { tokens: 'byte', separator: 'blank' },
    tokens,
    info.outputPath('mirror.byte.bin'),
  );
  expect(count).toBeGreaterThan(2 ** 23); // two shards, joined after the header
});

test('Firefox: a BPE (vocabSize=512) learned in the tab tokenizes into shards, trains and exports its tokens', async ({
  launch,
  engine,
}, info) => {
  test.skip(engine !== 'firefox', 'WebKitGTK has no origin private file system (next tests)');
  const { page } = await launch();
  await page.goto(BASE_URL + BPE_SHARDS);
  await waitForText(page, 'status', 'idle');
  await page.chooseFile(LABEL, MARK);
  await waitForText(page, 'dataset-status', 'ready');
  const tokens = await tokensShown(page);
  // Merges learned: far fewer tokens than the training split's bytes (90% of the file).
  expect(tokens).toBeGreaterThan(0);
  expect(tokens).toBeLessThan(0.6 * statSync(MARK).size);
  await waitForText(page, 'status', 'training');
  await waitForAtLeast(page, 'step', 3);
  await waitForText(page, 'error', '');
  // The mirror learns the same BPE from the same text, as the PyTorch bridge does.
  await expectExportedTokens(
    page,
    MARK,
    { tokens: 'bpe', separator: 'blank', vocabSize: 512 },
    tokens,
    info.outputPath('mirror.bpe512.bin'),
  );
});

test('WebKit: corpus=shards is refused by name (no origin private file system) and nothing trains', async ({
  launch,
  engine,
}) => {
  test.skip(engine !== 'webkit', 'Firefox has an origin private file system (tests above)');
  const { page } = await launch();
  await page.goto(BASE_URL + SHARDS);
  await waitForText(page, 'status', 'idle');
  // What WebKitGTK 2.50 lacks: its Storage API is off, so there is no getDirectory at all.
  expect(await page.run<string>('return typeof navigator.storage?.getDirectory;')).toBe(
    'undefined',
  );
  await page.chooseFile(LABEL, corpusFile('engines-no-opfs', 1, 3));
  await waitForText(page, 'error', /CorpusUnavailableError.*origin private file system/);
  await waitForText(page, 'error', /Remove corpus=shards/);
  expect(await testId(page, 'status')).not.toBe('training');
  expect(await numberOf(page, 'step')).toBeLessThanOrEqual(0);
  expect(await testId(page, 'dataset-status')).not.toBe('ready');
});
