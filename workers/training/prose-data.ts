import { DatasetError, SeparatorNotFoundError } from '../../src/shared/errors';
import { separatorDisplay, type Separator } from '../../src/shared/text-mode';
import type { TokensKind } from '../../src/shared/text-mode';
import { byteTokenizer, charTokenizer, type Tokenizer } from './tokenizer';
import { bpeTokenizer } from './bpe/bpe-tokenizer';
import type { BpeModel } from './bpe/bpe-model';
import { documentSpans, encodeBpeDocuments, learnProseBpe } from './bpe-prose';
import type { TokenStream } from './token-source';

/** A token stream: bytes fit a Uint8Array; a separator token (256) or BPE ids need 16 bits. */
export type TokenArray = Uint8Array | Uint16Array;

/**
 * Prose: the whole text as one token stream, documents joined by the separator token. Training
 * windows may start anywhere in `train` and cross line breaks and separators freely.
 *
 * Validation is the stream's tail: its last 10% of tokens (⌈n / 10⌉), the rest trains. A tail
 * needs no seed and no copy (both parts are views of one array, whatever the text's size), is
 * the same for every run of a text, and works for one document (separator none) as for many.
 */
export interface ProseDataset<S extends TokenStream = TokenStream> {
  readonly kind: 'prose';
  readonly tokenizer: Tokenizer;
  /** The character alphabet (char tokens), by code point; empty for byte tokens. */
  readonly vocab: readonly string[];
  /** In memory, or (a corpus streamed to shards, workers/corpus/) read from disk by windows. */
  readonly train: S;
  readonly val: S;
  /** Documents in the text: separators + 1. */
  readonly documents: number;
  /** BPE tokens: the BPE learned on this text (the codec of prompts needs it); else null. */
  readonly bpe: BpeModel | null;
}

/** The share of the stream held out, from its end. */
export const PROSE_VAL_FRACTION = 0.1;
/** Char tokens index an alphabet of at most this many ids (separator included). */
export const MAX_CHAR_TOKENS = 256;

export function buildProse(
  name: string,
  bytes: Uint8Array,
  tokens: TokensKind,
  separator: Separator,
  /** tokens=bpe: the config's vocabSize, and the run's BPE if it has one (else learned). */
  bpeVocab?: number,
  bpe: BpeModel | null = null,
): ProseDataset<TokenArray> {
  const encoded =
    tokens === 'bpe'
      ? encodeBpe(bytes, separator, bpeVocab, bpe)
      : tokens === 'byte'
        ? encodeBytes(bytes, separator)
        : encodeChars(bytes, separator);
  if (separator.kind !== 'none' && encoded.documents === 1) {
    throw new SeparatorNotFoundError(name, separator.kind === 'literal' ? separator.text : 'blank');
  }
  const { stream } = encoded;
  const cut = stream.length - Math.ceil(stream.length * PROSE_VAL_FRACTION);
  return {
    kind: 'prose',
    tokenizer: encoded.tokenizer,
    vocab: encoded.vocab,
    train: stream.subarray(0, cut),
    val: stream.subarray(cut),
    documents: encoded.documents,
    bpe: encoded.bpe ?? null,
  };
}

interface Encoded {
  readonly stream: TokenArray;
  readonly tokenizer: Tokenizer;
  readonly vocab: readonly string[];
  readonly documents: number;
  readonly bpe?: BpeModel;
}

/** A BPE learned on the text (bpe-prose.ts) or given, then each document encoded with it. */
function encodeBpe(
  bytes: Uint8Array,
  separator: Separator,
  vocabSize: number | undefined,
  given: BpeModel | null,
): Encoded {
  if (vocabSize === undefined)
    throw new Error('tokens=bpe without a vocabSize: validate the config');
  const documents = documentSpans(bytes.length, separatorSpans(bytes, separator));
  const bpe = given ?? learnProseBpe(bytes, documents, vocabSize);
  const tokenizer = bpeTokenizer(
    bpe,
    separator.kind === 'none' ? null : separatorDisplay(separator),
  );
  const stream = encodeBpeDocuments(bpe, bytes, documents, tokenizer.separatorId);
  return { stream, tokenizer, vocab: [], documents: documents.length / 2, bpe };
}

/** [start, end) byte spans of every separator, in order. */
export function separatorSpans(bytes: Uint8Array, separator: Separator): number[] {
  if (separator.kind === 'none') return [];
  return separator.kind === 'blank'
    ? blankLineSpans(bytes)
    : literalSpans(bytes, new TextEncoder().encode(separator.text));
}

function literalSpans(bytes: Uint8Array, literal: Uint8Array): number[] {
  const spans: number[] = [];
  const first = literal[0]!;
  for (let i = bytes.indexOf(first); i !== -1 && i + literal.length <= bytes.length;) {
    let match = true;
    for (let k = 1; k < literal.length && match; k++) match = bytes[i + k] === literal[k];
    if (match) spans.push(i, i + literal.length);
    i = bytes.indexOf(first, match ? i + literal.length : i + 1);
  }
  return spans;
}

const LF = 10;
const CR = 13;

/** Runs of two or more line breaks (`\n` or `\r\n`): one or more blank lines. */
function blankLineSpans(bytes: Uint8Array): number[] {
  const spans: number[] = [];
  for (let i = bytes.indexOf(LF); i !== -1;) {
    let end = i + 1;
    let breaks = 1;
    for (;;) {
      if (bytes[end] === LF) end += 1;
      else if (bytes[end] === CR && bytes[end + 1] === LF) end += 2;
      else break;
      breaks += 1;
    }
    if (breaks >= 2) spans.push(i > 0 && bytes[i - 1] === CR ? i - 1 : i, end);
    i = bytes.indexOf(LF, end);
  }
  return spans;
}

function encodeBytes(bytes: Uint8Array, separator: Separator): Encoded {
  const spans = separatorSpans(bytes, separator);
  if (separator.kind === 'none') {
    // The file's bytes are the stream: no copy.
    return { stream: bytes, tokenizer: byteTokenizer(null), vocab: [], documents: 1 };
  }
  let removed = 0;
  for (let s = 0; s < spans.length; s += 2) removed += spans[s + 1]! - spans[s]! - 1;
  const stream = new Uint16Array(bytes.length - removed);
  let from = 0;
  let at = 0;
  const tokenizer = byteTokenizer(separatorDisplay(separator));
  for (let s = 0; s < spans.length; s += 2) {
    stream.set(bytes.subarray(from, spans[s]), at);
    at += spans[s]! - from;
    stream[at++] = tokenizer.separatorId!;
    from = spans[s + 1]!;
  }
  stream.set(bytes.subarray(from), at);
  return { stream, tokenizer, vocab: [], documents: spans.length / 2 + 1 };
}

/** Characters by code point; the text is decoded as UTF-8 (invalid bytes read as U+FFFD). */
function encodeChars(bytes: Uint8Array, separator: Separator): Encoded {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const documents =
    separator.kind === 'none'
      ? [text]
      : separator.kind === 'blank'
        ? text.split(/(?:\r?\n){2,}/)
        : text.split(separator.text);
  const points = new Set<number>();
  let length = documents.length - 1;
  for (const doc of documents) {
    for (const ch of doc) {
      points.add(ch.codePointAt(0)!);
      length += 1;
    }
  }
  const separatorToken = separator.kind === 'none' ? 0 : 1;
  if (points.size + separatorToken > MAX_CHAR_TOKENS) {
    throw new DatasetError(
      `The text uses ${points.size} distinct characters; character tokens take at most ` +
        `${MAX_CHAR_TOKENS - separatorToken}. Choose byte tokens (tokens=byte), which take any text.`,
    );
  }
  const vocab = [...points].sort((a, b) => a - b).map((p) => String.fromCodePoint(p));
  const index = new Map(vocab.map((ch, i) => [ch, i]));
  const tokenizer = charTokenizer(vocab, separatorToken ? separatorDisplay(separator) : null);
  const stream = new Uint8Array(length);
  let at = 0;
  documents.forEach((doc, d) => {
    if (d > 0) stream[at++] = tokenizer.separatorId!;
    for (const ch of doc) stream[at++] = index.get(ch)!;
  });
  return { stream, tokenizer, vocab, documents: documents.length };
}

/**
 * Windows of `context` tokens at the given offsets and what each predicts: every next token
 * [rows, context] (`allPositions`), or the token after the window [rows].
 */
export function gatherWindows(
  stream: TokenArray,
  offsets: ArrayLike<number>,
  context: number,
  allPositions: boolean,
): { x: Int32Array; y: Int32Array } {
  const rows = offsets.length;
  const x = new Int32Array(rows * context);
  const y = new Int32Array(allPositions ? rows * context : rows);
  for (let r = 0; r < rows; r++) {
    const o = offsets[r]!;
    x.set(stream.subarray(o, o + context), r * context);
    if (allPositions) y.set(stream.subarray(o + 1, o + context + 1), r * context);
    else y[r] = stream[o + context]!;
  }
  return { x, y };
}

/** Window starts a stream of this length offers: each window needs context + 1 tokens. */
export function windowStarts(length: number, context: number): number {
  return Math.max(0, length - context);
}
