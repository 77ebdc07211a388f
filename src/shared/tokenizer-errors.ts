/** Refusals of a learned tokenizer (issue 20): its vocabulary size, its tokenizer.json. */
import { MAX_BPE_VOCAB, MIN_BPE_VOCAB } from './bpe-settings';
import { TrainerError } from './trainer-error';

const count = (n: number) => n.toLocaleString('en-US');

/** A BPE vocabulary size outside what the trainer offers. */
export class BpeVocabSizeError extends TrainerError {
  override name = 'BpeVocabSizeError';
  constructor(readonly vocabSize: number) {
    super(
      `A BPE vocabulary of ${count(vocabSize)} tokens is out of range: choose a whole number ` +
        `from ${count(MIN_BPE_VOCAB)} to ${count(MAX_BPE_VOCAB)} (vocabSize=N).`,
    );
  }
}

export interface BpeVocabTooLargeFacts {
  readonly vocabSize: number;
  /** Merges the text offered: pairs seen at least twice, until none was left. */
  readonly mergesFound: number;
  /** The vocabulary those merges make (base tokens included). */
  readonly reachable: number;
  /** Bytes of text the trainer counted (the whole text, or its sample). */
  readonly trainedBytes: number;
}

/** The text runs out of pairs worth merging before the vocabulary is full. */
export class BpeVocabTooLargeError extends TrainerError {
  override name = 'BpeVocabTooLargeError';
  constructor(readonly facts: BpeVocabTooLargeFacts) {
    super(
      `The text can fill a vocabulary of only ${count(facts.reachable)} tokens: after ` +
        `${count(facts.mergesFound)} merges no pair of tokens occurs twice in the ` +
        `${count(facts.trainedBytes)} bytes trained on, and vocabSize=${facts.vocabSize} asks ` +
        `for ${count(facts.vocabSize)}. Choose a vocabulary of at most ` +
        `${count(facts.reachable)} tokens, or a longer text.`,
    );
  }
}

/** A tokenizer.json that cannot be read: not JSON, a field missing or of the wrong kind. */
export class TokenizerJsonMalformedError extends TrainerError {
  override name = 'TokenizerJsonMalformedError';
  constructor(readonly problem: string) {
    super(
      `This tokenizer.json is malformed: ${problem}. Use the tokenizer.json this trainer ` +
        `exported, unchanged (export the run again if it was edited or cut short).`,
    );
  }
}

/** A well-formed tokenizer.json of another kind than this trainer's byte-level BPE. */
export class TokenizerJsonUnsupportedError extends TrainerError {
  override name = 'TokenizerJsonUnsupportedError';
  constructor(readonly found: string) {
    super(
      `This tokenizer.json is not this trainer's byte-level BPE: ${found}. Only a tokenizer ` +
        `this trainer learned can be read (its own pre-tokenizer, byte-level alphabet and ` +
        `merges); train one here (tokens=bpe) instead.`,
    );
  }
}
