import type { TokensKind } from '../../src/shared/text-mode';

/**
 * What a run's token ids mean: how many there are, which one separates documents, how many
 * bytes of text each stands for (for bits per byte), and how to show a sequence of them. The
 * encoding itself happens once, when the dataset is built (dataset.ts, prose-data.ts).
 */
export interface Tokenizer {
  readonly kind: TokensKind;
  readonly vocabSize: number;
  /** The id that ends a document (prose with a separator), or null. */
  readonly separatorId: number | null;
  /** Bytes of UTF-8 text token `id` stands for. */
  byteLength(id: number): number;
  /** A decoder for display, one per sequence. */
  decoder(): TokenDecoder;
}

/** Turns ids into text as they come; never throws, whatever the ids (see ByteDecoder). */
export interface TokenDecoder {
  /** The text the ids complete; bytes of a character not yet complete are held back. */
  push(ids: ArrayLike<number>): string;
  /** The rest: held-back bytes of an unfinished character show as U+FFFD. */
  end(): string;
}

const utf8 = new TextEncoder();

/**
 * Characters of the text's own alphabet (`vocab`, by code point); with a separator, its id is
 * `vocab.length` and it shows as `separatorText`. In lines mode the alphabet's first entry is
 * the line boundary `\n`.
 */
export function charTokenizer(vocab: readonly string[], separatorText: string | null): Tokenizer {
  const separatorId = separatorText === null ? null : vocab.length;
  const lengths = vocab.map((ch) => utf8.encode(ch).length);
  const separatorBytes = separatorText === null ? 0 : utf8.encode(separatorText).length;
  const show = (id: number) => (id === separatorId ? separatorText! : (vocab[id] ?? '\uFFFD'));
  return {
    kind: 'char',
    vocabSize: vocab.length + (separatorId === null ? 0 : 1),
    separatorId,
    byteLength: (id) => (id === separatorId ? separatorBytes : (lengths[id] ?? 0)),
    decoder: () => ({
      push: (ids) => Array.from(ids, show).join(''),
      end: () => '',
    }),
  };
}

/**
 * UTF-8 bytes 0–255; with a separator, id 256 stands for it and shows as `separatorText`. Any
 * file is trainable: invalid UTF-8 is trained as the bytes it is and shown as U+FFFD.
 */
export function byteTokenizer(separatorText: string | null): Tokenizer {
  const separatorId = separatorText === null ? null : 256;
  const separatorBytes = separatorText === null ? 0 : utf8.encode(separatorText).length;
  return {
    kind: 'byte',
    vocabSize: separatorId === null ? 256 : 257,
    separatorId,
    byteLength: (id) => (id === separatorId ? separatorBytes : 1),
    decoder: () => new ByteDecoder(separatorId, separatorText ?? ''),
  };
}

/**
 * A streaming UTF-8 decoder: a character split across pushes is completed by the next push, so
 * a sample shown while it grows never shows half a character as garbage; invalid bytes become
 * U+FFFD (TextDecoder with `fatal: false` never throws). The separator flushes what is held.
 */
class ByteDecoder implements TokenDecoder {
  private readonly text = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly separatorId: number | null,
    private readonly separatorText: string,
  ) {}

  push(ids: ArrayLike<number>): string {
    let out = '';
    let run: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === this.separatorId) {
        out += this.text.decode(Uint8Array.from(run), { stream: true }) + this.text.decode();
        out += this.separatorText;
        run = [];
      } else if (id >= 0 && id < 256) {
        run.push(id);
      }
    }
    return out + this.text.decode(Uint8Array.from(run), { stream: true });
  }

  end(): string {
    return this.text.decode();
  }
}

/** A whole sequence as text. */
export function decodeAll(tokenizer: Tokenizer, ids: ArrayLike<number>): string {
  const decoder = tokenizer.decoder();
  return decoder.push(ids) + decoder.end();
}
