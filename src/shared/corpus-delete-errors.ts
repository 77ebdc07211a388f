/** Refusals of deleting a stored corpus (issue 20), each saying what to do first. */
import { TrainerError } from './trainer-error';

/** A corpus a run has open (training or paused, in this tab or another) cannot be deleted. */
export class CorpusInUseError extends TrainerError {
  override name = 'CorpusInUseError';
  constructor(
    readonly corpusName: string,
    readonly runName: string,
  ) {
    super(
      `The corpus of "${corpusName}" is in use: run "${runName}" has it open in a tab, ` +
        `training or paused. Open another run there (or delete that run), then delete the corpus.`,
    );
  }
}

/** A corpus being tokenized (its Web Lock is held, in this tab or another) cannot be deleted. */
export class CorpusBusyError extends TrainerError {
  override name = 'CorpusBusyError';
  constructor(readonly corpusName: string) {
    super(
      `The corpus of "${corpusName}" is being tokenized in this tab or another. Cancel that ` +
        `tokenization (or wait until it is ready), then delete the corpus.`,
    );
  }
}
