import { byteTokenizer, type TokenDecoder } from '../tokenizer';
import type { BpeModel } from './bpe-model';

/** The exact bytes a sequence of ids stands for; an id outside the vocabulary is refused. */
export function decodeBpeBytes(model: BpeModel, ids: ArrayLike<number>): Uint8Array {
  let length = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= model.vocabSize) {
      throw new RangeError(`token ${id} is outside the vocabulary of ${model.vocabSize}`);
    }
    length += model.byteLength(id);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const token = model.tokenBytes(ids[i]!);
    bytes.set(token, at);
    at += token.length;
  }
  return bytes;
}

/**
 * Ids to text for display: each id's bytes joined, then through the byte tokens' streaming
 * UTF-8 decoder (a character split across pushes shows once complete; invalid bytes show as
 * U+FFFD). Like every TokenDecoder it never throws: ids outside the vocabulary show nothing.
 */
export function bpeDecoder(model: BpeModel): TokenDecoder {
  const bytes = byteTokenizer(null).decoder();
  const known = (ids: ArrayLike<number>) =>
    Array.from(ids).filter((id) => Number.isInteger(id) && id >= 0 && id < model.vocabSize);
  return {
    push: (ids) => bytes.push(decodeBpeBytes(model, known(ids))),
    end: () => bytes.end(),
  };
}
