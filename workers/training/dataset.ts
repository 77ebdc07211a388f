import { MAX_DATASET_BYTES as MAX_TEXT_BYTES } from '../../src/shared/config';
import { DatasetError } from '../../src/shared/errors';
import { Prng } from '../../src/shared/prng';
import { byteTokenizer, charTokenizer, type Tokenizer } from './tokenizer';

/**
 * Lines mode: each non-empty line is a document. With character tokens index 0 is the boundary
 * token (shown as `\n`): the start and end of every document. With byte tokens the boundary is
 * the line feed byte itself.
 */
export const BOUNDARY = 0;
export const BYTE_BOUNDARY = 10;
export const MAX_VOCAB = 256;
export const VAL_FRACTION = 0.1;
// The split must not depend on the run seed: runs with other seeds see the same validation set.
export const SPLIT_SEED = 0x5eed;

/**
 * One split's token stream: documents back to back, each preceded by a boundary, plus the final
 * boundary. Example k predicts the token at `targets[k]` from the tokens before it, clipped at
 * the start of its document, so windows never leak across documents.
 */
export interface Split {
  /** The token that starts and ends every document, and pads windows before a start. */
  readonly boundary: number;
  readonly tokens: Int32Array;
  /** For each token position, the position of its document's leading boundary. */
  readonly docStart: Int32Array;
  /** Positions of example targets (every token but the leading boundaries). */
  readonly targets: Int32Array;
}

export interface LinesDataset {
  readonly kind: 'lines';
  readonly tokenizer: Tokenizer;
  /** The character alphabet, boundary first; empty for byte tokens. */
  readonly vocab: string[];
  readonly train: Split;
  readonly val: Split;
}

export function splitDocuments(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** Character tokens, one example per line (the tokenizer the app started with). */
export function buildDataset(text: string): LinesDataset {
  if (text.length > MAX_TEXT_BYTES) {
    throw new DatasetError(
      `The text is ${(text.length / 1e6).toFixed(1)} MB; the trainer takes at most ${MAX_TEXT_BYTES / 1e6} MB. Use a smaller file.`,
    );
  }
  const docs = splitDocuments(text);
  checkLineCount(docs.length);
  const chars = new Set<string>();
  for (const doc of docs) for (const ch of doc) chars.add(ch);
  const vocab = ['\n', ...[...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)];
  if (vocab.length > MAX_VOCAB) {
    throw new DatasetError(
      `The text uses ${vocab.length - 1} distinct characters; the trainer takes at most ${MAX_VOCAB - 1}. Use plainer text.`,
    );
  }
  const index = new Map(vocab.map((ch, i) => [ch, i]));
  const ids = docs.map((doc) => Uint8Array.from(doc, (ch) => index.get(ch)!));
  return { kind: 'lines', tokenizer: charTokenizer(vocab, null), vocab, ...splits(ids, BOUNDARY) };
}

/**
 * Byte tokens, one example per line: lines are split at line feeds and trimmed of ASCII white
 * space (tab, line feed, vertical tab, form feed, carriage return, space); the bytes between
 * are the tokens, whatever they are, and the line feed is the boundary.
 */
export function buildByteLines(bytes: Uint8Array): LinesDataset {
  if (bytes.length > MAX_TEXT_BYTES) tooLarge(bytes.length);
  const docs: Uint8Array[] = [];
  for (let from = 0; from <= bytes.length;) {
    const end = bytes.indexOf(BYTE_BOUNDARY, from);
    let a = from;
    let b = end === -1 ? bytes.length : end;
    while (a < b && isAsciiSpace(bytes[a]!)) a++;
    while (b > a && isAsciiSpace(bytes[b - 1]!)) b--;
    if (b > a) docs.push(bytes.subarray(a, b));
    if (end === -1) break;
    from = end + 1;
  }
  checkLineCount(docs.length);
  return {
    kind: 'lines',
    tokenizer: byteTokenizer(null),
    vocab: [],
    ...splits(docs, BYTE_BOUNDARY),
  };
}

function isAsciiSpace(byte: number): boolean {
  return byte === 32 || (byte >= 9 && byte <= 13);
}

function tooLarge(size: number): never {
  throw new DatasetError(
    `The text is ${(size / 1e6).toFixed(1)} MB; the trainer takes at most ${MAX_TEXT_BYTES / 1e6} MB. Use a smaller file.`,
  );
}

function checkLineCount(count: number): void {
  if (count < 10) {
    throw new DatasetError(
      `The text has ${count} non-empty lines; the trainer needs at least 10 (one example per line).`,
    );
  }
}

function splits(
  docs: readonly ArrayLike<number>[],
  boundary: number,
): Pick<LinesDataset, 'train' | 'val'> {
  const isVal = heldOut(docs.length);
  const encode = (keep: boolean) =>
    encodeSplit(
      docs.filter((_, i) => isVal[i] === keep),
      boundary,
    );
  const val = encode(true);
  const train = encode(false);
  if (val.targets.length === 0)
    throw new DatasetError('The text is too short to hold out any validation lines.');
  return { train, val };
}

/** Which documents go to validation: a fixed seed, so every run of a text holds out the same. */
function heldOut(count: number): boolean[] {
  const order = Prng.fromSeed(SPLIT_SEED);
  return Array.from({ length: count }, () => order.nextFloat() < VAL_FRACTION);
}

/** The validation documents of a text, in the order the validation split holds them. */
export function validationLines(text: string): string[] {
  const docs = splitDocuments(text);
  const isVal = heldOut(docs.length);
  return docs.filter((_, i) => isVal[i]);
}

function encodeSplit(docs: readonly ArrayLike<number>[], boundary: number): Split {
  let length = 1;
  for (const doc of docs) length += doc.length + 1;
  const tokens = new Int32Array(length);
  const docStart = new Int32Array(length);
  const targets = new Int32Array(length - 1);
  tokens[0] = boundary; // the first document's leading boundary
  let pos = 1;
  let t = 0;
  for (const doc of docs) {
    const start = pos - 1;
    for (let i = 0; i < doc.length; i++) {
      tokens[pos] = doc[i]!;
      docStart[pos] = start;
      targets[t++] = pos++;
    }
    // The closing boundary is the next document's leading one.
    tokens[pos] = boundary;
    docStart[pos] = start;
    targets[t++] = pos++;
  }
  return { boundary, tokens, docStart, targets };
}

/**
 * Context windows [rows, context] and targets for the given examples. `allPositions` gives the
 * transformer's per-position targets [rows, context] and a mask that is 0 where the target lies
 * before its document (padding predicting padding teaches nothing).
 */
export function gatherBatch(
  split: Split,
  examples: ArrayLike<number>,
  context: number,
  allPositions: boolean,
): { x: Int32Array; y: Int32Array; mask: Float32Array | null } {
  const rows = examples.length;
  const x = new Int32Array(rows * context);
  const y = new Int32Array(allPositions ? rows * context : rows);
  const mask = allPositions ? new Float32Array(rows * context) : null;
  const boundary = split.boundary;
  for (let r = 0; r < rows; r++) {
    const p = split.targets[examples[r]!]!;
    const start = split.docStart[p]!;
    for (let c = 0; c < context; c++) {
      const q = p - context + c; // input position for column c
      x[r * context + c] = q >= start ? split.tokens[q]! : boundary;
      if (allPositions) {
        const target = q + 1;
        y[r * context + c] = target > start ? split.tokens[target]! : boundary;
        mask![r * context + c] = target > start ? 1 : 0;
      }
    }
    if (!allPositions) y[r] = split.tokens[p]!;
  }
  return { x, y, mask };
}
