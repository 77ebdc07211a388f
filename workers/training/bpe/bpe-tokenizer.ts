import type { Tokenizer } from '../tokenizer';
import { bpeDecoder } from './bpe-decoder';
import type { BpeModel } from './bpe-model';

const utf8 = new TextEncoder();

/**
 * A learned byte-level BPE as a run's tokenizer: ids 0 to model.vocabSize - 1 are the model's
 * tokens, and with a separator the next id stands for it and shows as `separatorText` (a
 * separator is never a merge of bytes: documents are encoded one by one). Bits per byte count
 * each token's own bytes.
 */
export function bpeTokenizer(model: BpeModel, separatorText: string | null): Tokenizer {
  const separatorId = separatorText === null ? null : model.vocabSize;
  const separatorBytes = separatorText === null ? 0 : utf8.encode(separatorText).length;
  return {
    kind: 'bpe',
    vocabSize: model.vocabSize + (separatorId === null ? 0 : 1),
    separatorId,
    byteLength: (id) => (id === separatorId ? separatorBytes : model.byteLength(id)),
    decoder: () => {
      const bytes = bpeDecoder(model);
      return {
        push(ids) {
          let out = '';
          let run: number[] = [];
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i]!;
            if (id !== separatorId) {
              run.push(id);
              continue;
            }
            // The separator ends a document: what its bytes left unfinished shows as U+FFFD.
            out += bytes.push(run) + bytes.end() + separatorText!;
            run = [];
          }
          return out + bytes.push(run);
        },
        end: () => bytes.end(),
      };
    },
  };
}
