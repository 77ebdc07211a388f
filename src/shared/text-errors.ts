/** Refusals of a training text or a model that cannot train on it (issue 18), built from facts. */
import { TrainerError } from './trainer-error';

const MB = 1024 * 1024;

/** Bytes as the page says them: "3.2 MB", "1.5 GB" (binary units, as the limits are set). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function modeName(mode: 'lines' | 'prose'): string {
  return mode === 'prose' ? 'prose' : 'one example per line';
}

export interface TextTooLargeFacts {
  readonly name: string;
  readonly bytes: number;
  readonly limit: number;
  readonly mode: 'lines' | 'prose';
}

/** The text is over the limit of its mode. */
export class TextTooLargeError extends TrainerError {
  override name = 'TextTooLargeError';
  constructor(readonly facts: TextTooLargeFacts) {
    const instead =
      facts.mode === 'lines'
        ? 'Train it as prose (text=prose takes up to 256 MB) or use a smaller file.'
        : 'Use a smaller file.';
    super(
      `"${facts.name}" is ${formatBytes(facts.bytes)}; ${modeName(facts.mode)} takes at most ` +
        `${formatBytes(facts.limit)}. ${instead}`,
    );
  }
}

/** The text holds nothing to train on (empty, or only blank lines in lines mode). */
export class TextEmptyError extends TrainerError {
  override name = 'TextEmptyError';
  constructor(
    readonly textName: string,
    readonly mode: 'lines' | 'prose',
  ) {
    const what = mode === 'lines' ? 'no line with text on it' : 'no text';
    super(`"${textName}" has ${what} to train on. Choose a file with some text.`);
  }
}

/** A prose separator was asked for and the text never contains it. */
export class SeparatorNotFoundError extends TrainerError {
  override name = 'SeparatorNotFoundError';
  constructor(
    readonly textName: string,
    readonly separator: string,
  ) {
    const what =
      separator === 'blank' ? 'no blank line' : `the separator ${JSON.stringify(separator)} never`;
    super(
      `In "${textName}" ${what} occurs, so it would be one document. Choose the separator the ` +
        `file uses, or separator=none to train on it as one stream.`,
    );
  }
}

export interface ContextTooLongFacts {
  readonly name: string;
  readonly context: number;
  /** Which part of the text is too short: its training or its validation part. */
  readonly part: 'training' | 'validation';
  readonly tokens: number;
}

/** A window of `context` tokens (and its next token) does not fit in a part of the text. */
export class ContextTooLongError extends TrainerError {
  override name = 'ContextTooLongError';
  constructor(readonly facts: ContextTooLongFacts) {
    super(
      `The context of ${facts.context} tokens is longer than the ${facts.part} part of ` +
        `"${facts.name}" (${facts.tokens} tokens; a window needs context + 1). Lower the context ` +
        `or use a longer text.`,
    );
  }
}

export interface ModelTooLargeFacts {
  readonly backend: string;
  /** The estimated bytes one training step needs, and the most the backend holds. */
  readonly needBytes: number;
  readonly limitBytes: number;
  /** `memory`: all of training's tensors together; `tensor`: the largest single tensor. */
  readonly limit: 'memory' | 'tensor';
}

/** The config's training state and activations do not fit the backend. */
export class ModelTooLargeError extends TrainerError {
  override name = 'ModelTooLargeError';
  constructor(readonly facts: ModelTooLargeFacts) {
    const need =
      facts.limit === 'memory'
        ? `about ${formatBytes(facts.needBytes)} to train`
        : `a tensor of ${formatBytes(facts.needBytes)}`;
    const holds =
      facts.limit === 'memory'
        ? `holds at most ${formatBytes(facts.limitBytes)}`
        : `takes tensors of at most ${formatBytes(facts.limitBytes)}`;
    super(
      `This model needs ${need} on ${facts.backend}, which ${holds}. Choose a smaller preset, ` +
        `batch, context or width, or another backend.`,
    );
  }
}
