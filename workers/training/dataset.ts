import { MAX_DATASET_BYTES as MAX_TEXT_BYTES } from '../../src/shared/config';
import { DatasetError } from '../../src/shared/errors';
import { Prng } from '../../src/shared/prng';

/** Index 0 is the boundary token: the start and end of every document (line). */
export const BOUNDARY = 0;
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
  readonly tokens: Int32Array;
  /** For each token position, the position of its document's leading boundary. */
  readonly docStart: Int32Array;
  /** Positions of example targets (every token but the leading boundaries). */
  readonly targets: Int32Array;
}

export interface CharDataset {
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

export function buildDataset(text: string): CharDataset {
  if (text.length > MAX_TEXT_BYTES) {
    throw new DatasetError(
      `The text is ${(text.length / 1e6).toFixed(1)} MB; the trainer takes at most ${MAX_TEXT_BYTES / 1e6} MB. Use a smaller file.`,
    );
  }
  const docs = splitDocuments(text);
  if (docs.length < 10) {
    throw new DatasetError(
      `The text has ${docs.length} non-empty lines; the trainer needs at least 10 (one example per line).`,
    );
  }
  const chars = new Set<string>();
  for (const doc of docs) for (const ch of doc) chars.add(ch);
  const vocab = ['\n', ...[...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)];
  if (vocab.length > MAX_VOCAB) {
    throw new DatasetError(
      `The text uses ${vocab.length - 1} distinct characters; the trainer takes at most ${MAX_VOCAB - 1}. Use plainer text.`,
    );
  }
  const index = new Map(vocab.map((ch, i) => [ch, i]));
  const isVal = heldOut(docs);
  const encode = (keep: boolean) =>
    encodeSplit(
      docs.filter((_, i) => isVal[i] === keep),
      index,
    );
  const val = encode(true);
  const train = encode(false);
  if (val.targets.length === 0)
    throw new DatasetError('The text is too short to hold out any validation lines.');
  return { vocab, train, val };
}

/** Which documents go to validation: a fixed seed, so every run of a text holds out the same. */
function heldOut(docs: readonly string[]): boolean[] {
  const order = Prng.fromSeed(SPLIT_SEED);
  return docs.map(() => order.nextFloat() < VAL_FRACTION);
}

/** The validation documents of a text, in the order the validation split holds them. */
export function validationLines(text: string): string[] {
  const docs = splitDocuments(text);
  const isVal = heldOut(docs);
  return docs.filter((_, i) => isVal[i]);
}

function encodeSplit(docs: string[], index: Map<string, number>): Split {
  let length = 1;
  for (const doc of docs) length += [...doc].length + 1;
  const tokens = new Int32Array(length);
  const docStart = new Int32Array(length);
  const targets = new Int32Array(length - 1);
  let pos = 1; // tokens[0] is the first document's leading boundary
  let t = 0;
  for (const doc of docs) {
    const start = pos - 1;
    for (const ch of doc) {
      tokens[pos] = index.get(ch)!;
      docStart[pos] = start;
      targets[t++] = pos++;
    }
    // The closing boundary is the next document's leading one.
    tokens[pos] = BOUNDARY;
    docStart[pos] = start;
    targets[t++] = pos++;
  }
  return { tokens, docStart, targets };
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
  for (let r = 0; r < rows; r++) {
    const p = split.targets[examples[r]!]!;
    const start = split.docStart[p]!;
    for (let c = 0; c < context; c++) {
      const q = p - context + c; // input position for column c
      x[r * context + c] = q >= start ? split.tokens[q]! : BOUNDARY;
      if (allPositions) {
        const target = q + 1;
        y[r * context + c] = target > start ? split.tokens[target]! : BOUNDARY;
        mask![r * context + c] = target > start ? 1 : 0;
      }
    }
    if (!allPositions) y[r] = split.tokens[p]!;
  }
  return { x, y, mask };
}
