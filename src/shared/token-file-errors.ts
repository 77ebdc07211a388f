/**
 * Refusals of a corpus's tokens exported as an llm.c token file (issue 20). The page throws the
 * first two; the PyTorch bridge throws the last two when it reads such a file (named here, where
 * every error name lives, so that both sides say the same).
 */
import { TrainerError } from './trainer-error';

/** Export tokens asked of a corpus that is not finished (tokenizing, stopped or deleted). */
export class CorpusIncompleteError extends TrainerError {
  override name = 'CorpusIncompleteError';
  constructor(readonly corpusName: string) {
    super(
      `The corpus of "${corpusName}" is not finished: its tokenization stopped, is still ` +
        `running, or the corpus was deleted. Choose its file again (corpus=shards) to finish ` +
        `it, then export its tokens.`,
    );
  }
}

/** A corpus an llm.c token file cannot hold: ids past uint16, or a count past int32. */
export class TokenFileUnsupportedError extends TrainerError {
  override name = 'TokenFileUnsupportedError';
  constructor(
    readonly corpusName: string,
    readonly reason: string,
  ) {
    super(
      `The tokens of "${corpusName}" cannot be exported as an llm.c token file: ${reason}. ` +
        `Continue this run in PyTorch from its text instead (python3 -m tabtrainer continue ` +
        `--text).`,
    );
  }
}

/** A token file that is not one (magic, version), or ends before the tokens its header counts. */
export class TokenFileFormatError extends TrainerError {
  override name = 'TokenFileFormatError';
}

/** A token file of another corpus than the checkpoint's, or of another token count. */
export class TokenFileMismatchError extends TrainerError {
  override name = 'TokenFileMismatchError';
}
