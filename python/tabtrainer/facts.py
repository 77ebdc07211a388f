"""The facts this port shares with the browser, read from facts.json at import time.

The TypeScript sources own them (tests/unit/python-facts.ts lists the module of each; the names
here are the TypeScript names). `npm run facts` writes facts.json from them, and
tests/unit/python-facts.test.ts fails while the checked-in file differs, so no value below is a
copy kept by hand: change the TypeScript, run `npm run facts`, then the Python tests.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, NamedTuple

FACTS_FILE = "facts.json"
REGENERATE = "run `npm run facts` in the repository to regenerate it"


def _load() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(FACTS_FILE).read_text(encoding="utf-8")
    facts = json.loads(text)
    assert isinstance(facts, dict)
    return facts


_FACTS = _load()


def _section(section: str) -> dict[str, Any]:
    values = _FACTS.get(section)
    if not isinstance(values, dict):
        raise KeyError(f"{FACTS_FILE} has no {section} object: {REGENERATE}")
    return values


def _fact(section: str, name: str, kind: type | tuple[type, ...]) -> Any:
    """One value, checked for its JSON type (a bool is not a number here, as in TypeScript)."""
    values = _section(section)
    if name not in values:
        raise KeyError(f"{FACTS_FILE} has no {section}.{name}: {REGENERATE}")
    value = values[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"{FACTS_FILE}: {section}.{name} is {value!r}; {REGENERATE}")
    return value


def _number(section: str, name: str) -> float:
    return _fact(section, name, (int, float))


def _int(section: str, name: str) -> int:
    return _fact(section, name, int)


def _str(section: str, name: str) -> str:
    return _fact(section, name, str)


# src/shared/checkpoint: limits.ts, format-version.ts, safetensors-*.ts, checkpoint-tensors.ts,
# refusal-text.ts.
MAX_HEADER_BYTES = _int("checkpoint", "MAX_HEADER_BYTES")
MAX_TENSORS = _int("checkpoint", "MAX_TENSORS")
MAX_ENTRY_CHARS = _int("checkpoint", "MAX_ENTRY_CHARS")
MAX_RANK = _int("checkpoint", "MAX_RANK")
FORMAT_NAME = _str("checkpoint", "FORMAT_NAME")
CURRENT_FORMAT_VERSION = _int("checkpoint", "CURRENT_FORMAT_VERSION")
OLDEST_FORMAT_VERSION = _int("checkpoint", "OLDEST_FORMAT_VERSION")
METADATA_KEY = _str("checkpoint", "METADATA_KEY")
LENGTH_BYTES = _int("checkpoint", "LENGTH_BYTES")
# Every safetensors dtype, with its size in bytes (None: a sub-byte format).
KNOWN_DTYPES: dict[str, int | None] = _fact("checkpoint", "KNOWN_DTYPES", dict)
ITER_TENSOR = _str("checkpoint", "ITER_TENSOR")
BETA1_POWER_TENSOR = _str("checkpoint", "BETA1_POWER_TENSOR")
BETA2_POWER_TENSOR = _str("checkpoint", "BETA2_POWER_TENSOR")
# The "what to do next" halves of refusals.
EXPORT_AGAIN = _str("checkpoint", "EXPORT_AGAIN")
COPY_AGAIN = _str("checkpoint", "COPY_AGAIN")
CHOOSE_OURS = _str("checkpoint", "CHOOSE_OURS")


class Bound(NamedTuple):
    min: float
    max: float
    integer: bool


# src/shared/config.ts: the run config's fields, bounds (in the order they are checked) and the
# values a config from before the schedule and the guard takes.
MAX_DATASET_BYTES = _int("config", "MAX_DATASET_BYTES")
SCHEDULES: tuple[str, ...] = tuple(_fact("config", "SCHEDULES", list))
BACKENDS: tuple[str, ...] = tuple(_fact("config", "BACKENDS", list))


def _bounds(name: str) -> dict[str, Bound]:
    return {
        key: Bound(b["min"], b["max"], b["integer"])
        for key, b in _fact("config", name, dict).items()
    }


CONFIG_BOUNDS = _bounds("CONFIG_BOUNDS")
LEGACY_TRAINING: dict[str, Any] = _fact("config", "LEGACY_TRAINING", dict)
# Issue 18 (config-bounds.ts, run-config.ts): gpt, its wider bounds, the numeric text-model keys
# and the values a config from before them takes.
MODELS: tuple[str, ...] = tuple(_fact("config", "MODELS", list))
GPT_BOUNDS = _bounds("GPT_BOUNDS")
TEXT_MODEL_BOUNDS = _bounds("TEXT_MODEL_BOUNDS")
LEGACY_TEXT_MODEL: dict[str, Any] = _fact("config", "LEGACY_TEXT_MODEL", dict)

# src/shared/text-mode.ts and workers/training/prose-data.ts: tokenizers, text modes,
# separators, the size limits of each mode and prose's validation tail.
TOKENS_KINDS: tuple[str, ...] = tuple(_fact("text", "TOKENS_KINDS", list))
TEXT_MODES: tuple[str, ...] = tuple(_fact("text", "TEXT_MODES", list))
SEPARATOR_NONE = _str("text", "SEPARATOR_NONE")
SEPARATOR_BLANK = _str("text", "SEPARATOR_BLANK")
MAX_SEPARATOR_LENGTH = _int("text", "MAX_SEPARATOR_LENGTH")
MAX_LINES_BYTES = _int("text", "MAX_LINES_BYTES")
MAX_PROSE_BYTES = _int("text", "MAX_PROSE_BYTES")
PROSE_VAL_FRACTION = _number("text", "PROSE_VAL_FRACTION")
MAX_CHAR_TOKENS = _int("text", "MAX_CHAR_TOKENS")

# workers/training/divergence-guard.ts and src/shared/snapshot.ts.
REWIND_LIMIT = _int("guard", "REWIND_LIMIT")
NO_GUARD_STATE: dict[str, Any] = _fact("guard", "NO_GUARD_STATE", dict)

# workers/training/dataset.ts and src/shared/data-cursor.ts.
BOUNDARY = _int("data", "BOUNDARY")
BYTE_BOUNDARY = _int("data", "BYTE_BOUNDARY")
MAX_VOCAB = _int("data", "MAX_VOCAB")
VAL_FRACTION = _number("data", "VAL_FRACTION")
SPLIT_SEED = _int("data", "SPLIT_SEED")
EPOCH_STREAM = _int("data", "EPOCH_STREAM")
WINDOW_STREAM = _int("data", "WINDOW_STREAM")

# workers/training/session.ts, training-loop.ts (APP_LOOP.valEvery), evaluation.ts,
# models/transformer-blocks.ts and dropout.ts.
MAX_METRIC_ROWS = _int("training", "MAX_METRIC_ROWS")
VAL_EXAMPLES = _int("training", "VAL_EXAMPLES")
VAL_CHUNK = _int("training", "VAL_CHUNK")
VAL_TOKENS = _int("training", "VAL_TOKENS")
VAL_CHUNK_TOKENS = _int("training", "VAL_CHUNK_TOKENS")
VAL_EVERY = _int("training", "VAL_EVERY")
LN_EPSILON = _number("training", "LN_EPSILON")
ADAM_EPSILON = _number("training", "ADAM_EPSILON")
DROPOUT_STREAM = _int("training", "DROPOUT_STREAM")

# src/shared/bpe-settings.ts and workers/training/bpe/: the byte-level BPE's pre-tokenizer,
# vocabulary bounds, training sample, hash format and tokenizer.json shape.
PRETOKEN_PATTERN = _str("bpe", "PRETOKEN_PATTERN")
MAX_PRETOKEN_CHARS = _int("bpe", "MAX_PRETOKEN_CHARS")
BPE_BASE_TOKENS = _int("bpe", "BPE_BASE_TOKENS")
MIN_BPE_VOCAB = _int("bpe", "MIN_BPE_VOCAB")
MAX_BPE_VOCAB = _int("bpe", "MAX_BPE_VOCAB")
MIN_PAIR_COUNT = _int("bpe", "MIN_PAIR_COUNT")
SAMPLE_CHUNK_BYTES = _int("bpe", "SAMPLE_CHUNK_BYTES")
MAX_SAMPLE_BYTES = _int("bpe", "MAX_SAMPLE_BYTES")
SAMPLE_SEED = _int("bpe", "SAMPLE_SEED")
TOKENIZER_HASH_FORMAT = _str("bpe", "TOKENIZER_HASH_FORMAT")
PRE_TOKENIZER_JSON: dict[str, Any] = _fact("bpe", "PRE_TOKENIZER_JSON", dict)
DECODER_JSON: dict[str, Any] = _fact("bpe", "DECODER_JSON", dict)
BPE_MODEL_OPTIONS: dict[str, Any] = _fact("bpe", "BPE_MODEL_OPTIONS", dict)

# src/shared/run-config.ts and workers/corpus/corpus-manifest.ts: runs on token shards
# (corpus=shards), the layout's name that a corpus's address hashes, and tokens per shard.
CORPUS_KINDS: tuple[str, ...] = tuple(_fact("corpus", "CORPUS_KINDS", list))
CORPUS_FORMAT = _str("corpus", "CORPUS_FORMAT")
SHARD_TOKENS = _int("corpus", "SHARD_TOKENS")
# workers/corpus/token-file.ts: Export tokens writes llm.c's token file: a header of
# TOKEN_FILE_HEADER_INTS int32 (magic, version, count; the corpus address's 32 bytes from slot
# TOKEN_FILE_ADDRESS_SLOT on), then the tokens as uint16.
TOKEN_FILE_MAGIC = _int("corpus", "TOKEN_FILE_MAGIC")
TOKEN_FILE_VERSION = _int("corpus", "TOKEN_FILE_VERSION")
TOKEN_FILE_HEADER_INTS = _int("corpus", "TOKEN_FILE_HEADER_INTS")
TOKEN_FILE_ADDRESS_SLOT = _int("corpus", "TOKEN_FILE_ADDRESS_SLOT")

# src/shared/errors.ts: every error class's name, with the name of the class it extends.
ERROR_PARENTS: dict[str, str] = _section("errors")
