import type { RunConfig } from '../../../src/shared/config';
import { TokenizerJsonMalformedError } from '../../../src/shared/errors';
import type { DatasetInfo } from '../../../src/shared/snapshot';
import type { BpeModel } from './bpe-model';
import { importTokenizerJson } from './tokenizer-json-import';

/**
 * The BPE a tokens=bpe run learned, read back from the tokenizer.json its dataset info carries
 * (stored with the run, each snapshot and each exported file), or null for other tokens. A
 * missing, malformed or foreign tokenizer.json, or one whose size is not the config's
 * vocabSize, is refused by name: the ids would not mean what the weights learned.
 */
export function runBpe(
  config: Pick<RunConfig, 'tokens' | 'vocabSize'>,
  info: Pick<DatasetInfo, 'name' | 'tokenizer'>,
): BpeModel | null {
  if (config.tokens !== 'bpe') return null;
  if (info.tokenizer === undefined) {
    throw new TokenizerJsonMalformedError(`the run's dataset "${info.name}" carries none`);
  }
  const model = importTokenizerJson(info.tokenizer);
  if (model.vocabSize !== config.vocabSize) {
    throw new TokenizerJsonMalformedError(
      `its vocabulary has ${model.vocabSize} tokens, but the run's config says ` +
        `vocabSize=${config.vocabSize}`,
    );
  }
  return model;
}
