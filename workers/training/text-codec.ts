import type { RunConfig } from '../../src/shared/config';
import { parseSeparator, separatorDisplay } from '../../src/shared/text-mode';
import { BOUNDARY, BYTE_BOUNDARY } from './dataset';
import { byteTokenizer, charTokenizer, type Tokenizer } from './tokenizer';
import { encodeBpe } from './bpe/bpe-encoder';
import type { BpeModel } from './bpe/bpe-model';
import { bpeTokenizer } from './bpe/bpe-tokenizer';

const NEWLINE = '\n';
const utf8 = new TextEncoder();

/** A character the run cannot read: outside its alphabet, or a line break in a line. */
export type Unreadable = (char: string, lineBreak: boolean) => Error;

/**
 * How a run reads text that is not its training data (a prompt, a line to score) and where
 * such a text begins and ends, as its training data has it: built from the run's config and
 * stored alphabet alone, so a job needs no training text to read its prompts.
 */
export interface TextCodec {
  readonly tokenizer: Tokenizer;
  /**
   * The token a document starts after: lines, the boundary; prose, the separator, or a line
   * break when the text has no separator.
   */
  readonly start: number;
  /** Lines: the boundary, which ends a line (a sample stops there; a score counts it). */
  readonly end: number | null;
  /**
   * Whether the model reads a window that grows from the start token (transformer and gpt on
   * prose, as they trained on windows of the stream) or `context` tokens padded with the start
   * token (as lines are clipped at their start, and the mlp always reads a full window).
   */
  readonly growing: boolean;
  /** A text's ids, as training encodes its text; `refuse` names the first it cannot read. */
  encode(text: string, refuse: Unreadable): number[];
}

/**
 * `bpe`: the BPE a tokens=bpe run learned on its text (prose-data.ts keeps it); any text
 * encodes with it, as every byte is a token.
 */
export function textCodec(
  config: RunConfig,
  alphabet: readonly string[],
  bpe: BpeModel | null = null,
): TextCodec {
  const separator = parseSeparator(config.separator);
  const prose = config.text === 'prose';
  const shown = prose && separator.kind !== 'none' ? separatorDisplay(separator) : null;
  const bytes = config.tokens === 'byte';
  if (config.tokens === 'bpe' && bpe === null) {
    throw new Error('textCodec: a tokens=bpe run needs its learned BPE');
  }
  const tokenizer =
    bpe !== null
      ? bpeTokenizer(bpe, shown)
      : bytes
        ? byteTokenizer(shown)
        : charTokenizer(alphabet, shown);
  const ids = new Map(alphabet.map((ch, i) => [ch, i]));
  const readChars = (text: string, refuse: Unreadable): number[] =>
    [...text].map((ch) => {
      const id = ids.get(ch);
      // In lines the first entry, the boundary `\n`, is never a character of a line.
      if (id === undefined || (!prose && id === BOUNDARY)) throw refuse(ch, false);
      return id;
    });
  const read = (text: string, refuse: Unreadable): number[] => {
    if (!prose && text.includes(NEWLINE)) throw refuse(NEWLINE, true);
    if (bpe !== null) return Array.from(encodeBpe(bpe, utf8.encode(text)));
    return bytes ? Array.from(utf8.encode(text)) : readChars(text, refuse);
  };
  const boundary = config.tokens === 'char' ? BOUNDARY : BYTE_BOUNDARY;
  return {
    tokenizer,
    start: prose ? proseStart(tokenizer, alphabet) : boundary,
    end: prose ? null : boundary,
    growing: prose && config.model !== 'mlp',
    encode(text, refuse) {
      if (tokenizer.separatorId === null) return read(text, refuse);
      // Documents joined by the separator token, as prose-data.ts encodes the training text.
      const documents =
        separator.kind === 'literal' ? text.split(separator.text) : text.split(/(?:\r?\n){2,}/);
      return documents.flatMap((doc, d) => [
        ...(d > 0 ? [tokenizer.separatorId!] : []),
        ...read(doc, refuse),
      ]);
    },
  };
}

/** Prose begins where a document begins: after a separator, or a line break. */
export function proseStart(tokenizer: Tokenizer, alphabet: readonly string[]): number {
  if (tokenizer.separatorId !== null) return tokenizer.separatorId;
  // Byte and BPE ids 0–255 are the bytes: the line feed is id 10 in both.
  if (tokenizer.kind !== 'char') return BYTE_BOUNDARY;
  return Math.max(0, alphabet.indexOf(NEWLINE));
}
