import {
  BACKENDS,
  CONFIG_BOUNDS,
  GPT_BOUNDS,
  LEGACY_TEXT_MODEL,
  LEGACY_TRAINING,
  MAX_DATASET_BYTES,
  MODELS,
  SCHEDULES,
  TEXT_MODEL_BOUNDS,
} from '../../src/shared/config';
import {
  BETA1_POWER_TENSOR,
  BETA2_POWER_TENSOR,
  ITER_TENSOR,
} from '../../src/shared/checkpoint/checkpoint-tensors';
import {
  CURRENT_FORMAT_VERSION,
  FORMAT_NAME,
  OLDEST_FORMAT_VERSION,
} from '../../src/shared/checkpoint/format-version';
import {
  MAX_ENTRY_CHARS,
  MAX_HEADER_BYTES,
  MAX_RANK,
  MAX_TENSORS,
} from '../../src/shared/checkpoint/limits';
import { CHOOSE_OURS, COPY_AGAIN, EXPORT_AGAIN } from '../../src/shared/checkpoint/refusal-text';
import { KNOWN_DTYPES } from '../../src/shared/checkpoint/safetensors-dtype';
import { METADATA_KEY } from '../../src/shared/checkpoint/safetensors-header';
import { LENGTH_BYTES } from '../../src/shared/checkpoint/safetensors-read';
import { EPOCH_STREAM, WINDOW_STREAM } from '../../src/shared/data-cursor';
import * as errors from '../../src/shared/errors';
import { NO_GUARD_STATE } from '../../src/shared/snapshot';
import { BPE_BASE_TOKENS, MAX_BPE_VOCAB, MIN_BPE_VOCAB } from '../../src/shared/bpe-settings';
import { CORPUS_KINDS } from '../../src/shared/run-config';
import {
  MAX_LINES_BYTES,
  MAX_PROSE_BYTES,
  MAX_SEPARATOR_LENGTH,
  SEPARATOR_BLANK,
  SEPARATOR_NONE,
  TEXT_MODES,
  TOKENS_KINDS,
} from '../../src/shared/text-mode';
import { CORPUS_FORMAT, SHARD_TOKENS } from '../../workers/corpus/corpus-manifest';
import {
  TOKEN_FILE_ADDRESS_SLOT,
  TOKEN_FILE_HEADER_INTS,
  TOKEN_FILE_MAGIC,
  TOKEN_FILE_VERSION,
} from '../../workers/corpus/token-file';
import { MIN_PAIR_COUNT } from '../../workers/training/bpe/bpe-trainer';
import {
  MAX_SAMPLE_BYTES,
  SAMPLE_CHUNK_BYTES,
  SAMPLE_SEED,
} from '../../workers/training/bpe/corpus-sample';
import { MAX_PRETOKEN_CHARS, PRETOKEN_PATTERN } from '../../workers/training/bpe/pre-tokenizer';
import {
  BPE_MODEL_OPTIONS,
  DECODER_JSON,
  PRE_TOKENIZER_JSON,
} from '../../workers/training/bpe/tokenizer-json';
import { TOKENIZER_HASH_FORMAT } from '../../workers/training/bpe/tokenizer-hash';
import {
  BOUNDARY,
  BYTE_BOUNDARY,
  MAX_VOCAB,
  SPLIT_SEED,
  VAL_FRACTION,
} from '../../workers/training/dataset';
import { DROPOUT_STREAM } from '../../workers/training/dropout';
import { REWIND_LIMIT } from '../../workers/training/divergence-guard';
import { ADAM_EPSILON } from '../../workers/training/adam-state';
import { LN_EPSILON } from '../../workers/training/ops';
import {
  VAL_CHUNK,
  VAL_CHUNK_TOKENS,
  VAL_EXAMPLES,
  VAL_TOKENS,
} from '../../workers/training/evaluation';
import { MAX_CHAR_TOKENS, PROSE_VAL_FRACTION } from '../../workers/training/prose-data';
import { MAX_METRIC_ROWS } from '../../workers/training/session';
import { APP_LOOP } from '../../workers/training/training-loop';

/**
 * The facts python/tabtrainer reads at import time instead of keeping copies: each is written
 * once, in the TypeScript module imported above, under the same name. `npm run facts` writes
 * this object to FACTS_FILE; tests/unit/python-facts.test.ts fails when the file differs.
 * Sections group what one Python module reads; a new fact joins the section of its reader.
 */
export const FACTS_FILE = 'python/tabtrainer/facts.json';
export const FACTS_COMMAND = 'npm run facts';

/**
 * Every exported error class, by its exported name (errors.test.ts checks that this is the name
 * it carries), with the exported name of the class it extends ('Error' for the base).
 */
function errorParents(): Record<string, string> {
  const classes = Object.entries(errors).filter(
    ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
  );
  const nameOf = (cls: unknown) => classes.find(([, value]) => value === cls)?.[0] ?? 'Error';
  return Object.fromEntries(
    classes
      .map(([name, cls]) => [name, nameOf(Object.getPrototypeOf(cls))] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

export function pythonFacts() {
  return {
    $comment: `Generated from the TypeScript sources by \`${FACTS_COMMAND}\` (tests/unit/python-facts.ts): edit those, not this file.`,
    checkpoint: {
      MAX_HEADER_BYTES,
      MAX_TENSORS,
      MAX_ENTRY_CHARS,
      MAX_RANK,
      FORMAT_NAME,
      CURRENT_FORMAT_VERSION,
      OLDEST_FORMAT_VERSION,
      METADATA_KEY,
      LENGTH_BYTES,
      KNOWN_DTYPES,
      ITER_TENSOR,
      BETA1_POWER_TENSOR,
      BETA2_POWER_TENSOR,
      EXPORT_AGAIN,
      COPY_AGAIN,
      CHOOSE_OURS,
    },
    config: {
      MAX_DATASET_BYTES,
      SCHEDULES,
      BACKENDS,
      CONFIG_BOUNDS,
      LEGACY_TRAINING,
      MODELS,
      GPT_BOUNDS,
      TEXT_MODEL_BOUNDS,
      LEGACY_TEXT_MODEL,
    },
    text: {
      TOKENS_KINDS,
      TEXT_MODES,
      SEPARATOR_NONE,
      SEPARATOR_BLANK,
      MAX_SEPARATOR_LENGTH,
      MAX_LINES_BYTES,
      MAX_PROSE_BYTES,
      PROSE_VAL_FRACTION,
      MAX_CHAR_TOKENS,
    },
    guard: { REWIND_LIMIT, NO_GUARD_STATE },
    data: {
      BOUNDARY,
      BYTE_BOUNDARY,
      MAX_VOCAB,
      VAL_FRACTION,
      SPLIT_SEED,
      EPOCH_STREAM,
      WINDOW_STREAM,
    },
    training: {
      MAX_METRIC_ROWS,
      VAL_EXAMPLES,
      VAL_CHUNK,
      VAL_TOKENS,
      VAL_CHUNK_TOKENS,
      VAL_EVERY: APP_LOOP.valEvery,
      LN_EPSILON,
      ADAM_EPSILON,
      DROPOUT_STREAM,
    },
    bpe: {
      PRETOKEN_PATTERN,
      MAX_PRETOKEN_CHARS,
      BPE_BASE_TOKENS,
      MIN_BPE_VOCAB,
      MAX_BPE_VOCAB,
      MIN_PAIR_COUNT,
      SAMPLE_CHUNK_BYTES,
      MAX_SAMPLE_BYTES,
      SAMPLE_SEED,
      TOKENIZER_HASH_FORMAT,
      PRE_TOKENIZER_JSON,
      DECODER_JSON,
      BPE_MODEL_OPTIONS,
    },
    corpus: {
      CORPUS_KINDS,
      CORPUS_FORMAT,
      SHARD_TOKENS,
      TOKEN_FILE_MAGIC,
      TOKEN_FILE_VERSION,
      TOKEN_FILE_HEADER_INTS,
      TOKEN_FILE_ADDRESS_SLOT,
    },
    errors: errorParents(),
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function pythonFactsText(): string {
  return `${JSON.stringify(pythonFacts(), null, 2)}\n`;
}
