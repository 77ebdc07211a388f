/**
 * How a run reads its text: the tokenizer (`tokens`), whether the text is one example per line
 * or one stream (`text`), and what separates the stream's documents (`separator`). Shared by
 * the page (URL, form, limits) and the worker (encoding), and spelled here once.
 */

/**
 * `char`: one token per character of the text's own alphabet; `byte`: one per UTF-8 byte;
 * `bpe`: a byte-level BPE learned on the run's text (prose only; its size is `vocabSize`).
 */
export type TokensKind = 'char' | 'byte' | 'bpe';
export const TOKENS_KINDS: readonly TokensKind[] = ['char', 'byte', 'bpe'];

/** `lines`: each non-empty line is an example; `prose`: the file is one token stream. */
export type TextMode = 'lines' | 'prose';
export const TEXT_MODES: readonly TextMode[] = ['lines', 'prose'];

/** The config's `separator` values that are not literals. */
export const SEPARATOR_NONE = 'none';
export const SEPARATOR_BLANK = 'blank';
export const MAX_SEPARATOR_LENGTH = 64;

/**
 * What splits prose into documents: nothing (one document), a blank line (a run of two or more
 * line breaks, `\n` or `\r\n`), or a literal such as `<|endoftext|>`. Each separator in the
 * text becomes one separator token; windows cross it freely, so the model learns where
 * documents end.
 */
export type Separator =
  | { readonly kind: 'none' }
  | { readonly kind: 'blank' }
  | { readonly kind: 'literal'; readonly text: string };

export function parseSeparator(value: string): Separator {
  if (value === SEPARATOR_NONE) return { kind: 'none' };
  if (value === SEPARATOR_BLANK) return { kind: 'blank' };
  return { kind: 'literal', text: value };
}

/** The text a separator token shows as in samples; a blank line shows as one. */
export function separatorDisplay(separator: Separator): string {
  return separator.kind === 'literal' ? separator.text : '\n\n';
}

const MIB = 1024 * 1024;
/** The largest text of one example per line (its lines are split and kept as strings). */
export const MAX_LINES_BYTES = 10 * MIB;
/** The largest prose text: it is kept as one typed array of tokens, never as lines. */
export const MAX_PROSE_BYTES = 256 * MIB;

export function maxTextBytes(mode: TextMode): number {
  return mode === 'prose' ? MAX_PROSE_BYTES : MAX_LINES_BYTES;
}

/**
 * The vocabulary size of a run's tokenizer. `charVocab` is the dataset's stored alphabet (for
 * lines, the boundary `\n` first); byte and BPE tokens have none (a BPE's size is the config's
 * `vocabSize`). A separator token is added at the end of prose vocabularies whose text has one.
 * Characters are counted by code point: an emoji is one token.
 */
export function vocabSize(
  settings: {
    readonly tokens: TokensKind;
    readonly text: TextMode;
    readonly separator: string;
    readonly vocabSize?: number;
  },
  charVocab: string,
): number {
  const separatorToken = settings.text === 'prose' && settings.separator !== SEPARATOR_NONE;
  const base =
    settings.tokens === 'byte'
      ? 256
      : settings.tokens === 'bpe'
        ? bpeVocab(settings.vocabSize)
        : [...charVocab].length;
  return base + (separatorToken ? 1 : 0);
}

/** A bpe config's vocabSize; validateConfig guarantees it, so its absence is a bug. */
function bpeVocab(size: number | undefined): number {
  if (size === undefined) throw new Error('tokens=bpe without a vocabSize: validate the config');
  return size;
}
