import { BPE_BASE_TOKENS, MAX_BPE_VOCAB, MIN_BPE_VOCAB } from '../../../src/shared/bpe-settings';
import {
  BpeVocabSizeError,
  TokenizerJsonMalformedError,
  TokenizerJsonUnsupportedError,
} from '../../../src/shared/errors';
import { BpeModel } from './bpe-model';
import { BYTE_TO_CHAR, byteLevelBytes } from './byte-level-alphabet';
import { BPE_MODEL_OPTIONS, DECODER_JSON, PRE_TOKENIZER_JSON } from './tokenizer-json';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Equal as JSON values (key order aside). */
function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => sameJson(x, b[i]))
    );
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

const describe = (value: unknown) => JSON.stringify(value)?.slice(0, 120) ?? String(value);

/**
 * A tokenizer.json this trainer exported, read back into its model: it must be well-formed
 * (TokenizerJsonMalformedError says what is wrong) and exactly this trainer's kind, byte-level
 * BPE with its pre-tokenizer, bytes as ids 0–255 and merge i as id 256 + i
 * (TokenizerJsonUnsupportedError says what was found instead). Nothing else is accepted: a
 * tokenizer this trainer did not learn would tokenize differently from the run it came with.
 */
export function importTokenizerJson(source: string | unknown): BpeModel {
  let json: unknown = source;
  if (typeof source === 'string') {
    try {
      json = JSON.parse(source);
    } catch (err) {
      throw new TokenizerJsonMalformedError(`it is not JSON (${(err as Error).message})`);
    }
  }
  if (!isObject(json)) throw new TokenizerJsonMalformedError('it is not a JSON object');
  const model = json['model'];
  if (!isObject(model)) throw new TokenizerJsonMalformedError('it has no "model" object');
  if (model['type'] !== 'BPE') {
    throw new TokenizerJsonUnsupportedError(`its model is ${describe(model['type'])}, not BPE`);
  }
  for (const [key, want, what] of [
    ['normalizer', null, 'a normalizer'],
    ['pre_tokenizer', PRE_TOKENIZER_JSON, 'another pre-tokenizer'],
    ['post_processor', null, 'a post-processor'],
    ['decoder', DECODER_JSON, 'another decoder'],
  ] as const) {
    if (!sameJson(json[key] ?? null, want)) {
      throw new TokenizerJsonUnsupportedError(`it has ${what}: ${describe(json[key])}`);
    }
  }
  const added = json['added_tokens'] ?? [];
  if (!Array.isArray(added)) throw new TokenizerJsonMalformedError('"added_tokens" is not a list');
  if (added.length > 0) {
    throw new TokenizerJsonUnsupportedError(`it has added tokens: ${describe(added)}`);
  }
  for (const [key, want] of Object.entries(BPE_MODEL_OPTIONS)) {
    // An option left out is at its default, which is this trainer's.
    if (key in model && !sameJson(model[key], want)) {
      throw new TokenizerJsonUnsupportedError(`its BPE has ${key} ${describe(model[key])}`);
    }
  }
  return BpeModel.fromMerges(mergeIds(model));
}

/** The merges as id pairs, after checking the vocabulary is bytes then merges, in order. */
function mergeIds(model: Json): number[] {
  const vocab = model['vocab'];
  const merges = model['merges'];
  if (!isObject(vocab)) throw new TokenizerJsonMalformedError('its model has no "vocab" object');
  if (!Array.isArray(merges))
    throw new TokenizerJsonMalformedError('its model has no "merges" list');
  const size = Object.keys(vocab).length;
  if (size < MIN_BPE_VOCAB || size > MAX_BPE_VOCAB) throw new BpeVocabSizeError(size);
  if (size !== BPE_BASE_TOKENS + merges.length) {
    throw new TokenizerJsonMalformedError(
      `its vocabulary has ${size} tokens where 256 bytes and ${merges.length} merges make ` +
        `${BPE_BASE_TOKENS + merges.length}`,
    );
  }
  const names: string[] = [];
  for (const [name, id] of Object.entries(vocab)) {
    if (
      !Number.isInteger(id) ||
      (id as number) < 0 ||
      (id as number) >= size ||
      names[id as number] !== undefined
    ) {
      throw new TokenizerJsonMalformedError(`token ${describe(name)} has the id ${describe(id)}`);
    }
    if (byteLevelBytes(name) === null || name.length === 0) {
      throw new TokenizerJsonUnsupportedError(`token ${describe(name)} is not byte-level`);
    }
    names[id as number] = name;
  }
  for (let b = 0; b < BPE_BASE_TOKENS; b++) {
    if (names[b] !== BYTE_TO_CHAR[b]) {
      throw new TokenizerJsonUnsupportedError(
        `id ${b} is ${describe(names[b])}, not the byte ${b} (this trainer's ids 0–255 are the bytes)`,
      );
    }
  }
  const ids = new Map(names.map((name, id) => [name, id]));
  const pairs: number[] = [];
  merges.forEach((merge, i) => {
    const parts = typeof merge === 'string' ? merge.split(' ') : merge;
    if (!Array.isArray(parts) || parts.length !== 2 || parts.some((p) => typeof p !== 'string')) {
      throw new TokenizerJsonMalformedError(`merge ${i} is ${describe(merge)}, not two tokens`);
    }
    const [left, right] = (parts as string[]).map((p) => ids.get(p));
    if (left === undefined || right === undefined) {
      throw new TokenizerJsonMalformedError(
        `merge ${i} (${describe(merge)}) names a token not in the vocabulary`,
      );
    }
    if (names[BPE_BASE_TOKENS + i] !== names[left] + names[right]) {
      throw new TokenizerJsonUnsupportedError(
        `merge ${i} (${describe(merge)}) does not make id ${BPE_BASE_TOKENS + i} (this trainer's merge i makes id 256 + i)`,
      );
    }
    pairs.push(left, right);
  });
  return pairs;
}
