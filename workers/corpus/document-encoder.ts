import type { BpeModel } from '../training/bpe/bpe-model';
import { BpeEncoder } from '../training/bpe/bpe-encoder';

/** Token ids as the encoders hand them: bytes, or BPE ids (a view, valid until the next call). */
export type TokenIds = Uint8Array | Uint16Array;

/**
 * Documents' bytes to token ids as prose-data.ts makes the stream in memory: byte tokens are
 * the bytes; BPE encodes each document on its own (a pre-token never spans a separator); each
 * separator is one token, `separatorId`.
 */
export interface DocumentEncoder {
  content(bytes: Uint8Array): TokenIds;
  /** Ends the document (what it carries is encoded) and adds the separator token. */
  separator(): TokenIds;
  /** Ends the stream. */
  end(): TokenIds;
  /** Document bytes held back, undecided (BPE's last pre-token). */
  readonly carried: number;
}

export function byteDocumentEncoder(separatorId: number | null): DocumentEncoder {
  const sep = new Uint16Array([separatorId ?? 0]);
  return {
    content: (bytes) => bytes,
    separator: () => sep,
    end: () => new Uint8Array(0),
    carried: 0,
  };
}

export function bpeDocumentEncoder(model: BpeModel, separatorId: number | null): DocumentEncoder {
  const encoder = new BpeEncoder(model);
  return {
    content: (bytes) => encoder.push(bytes),
    separator() {
      const tail = encoder.end();
      const out = new Uint16Array(tail.length + 1);
      out.set(tail);
      out[tail.length] = separatorId ?? 0;
      return out;
    },
    end: () => encoder.end(),
    get carried() {
      return encoder.carried;
    },
  };
}
