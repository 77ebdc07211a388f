"""The run config and the model's variable list: ports of src/shared/config.ts (validateConfig)
and src/shared/model-spec.ts (modelSpec), which both sides check a checkpoint against."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Sequence

from .errors import BpeVocabSizeError, ConfigError
from .facts import (
    CONFIG_BOUNDS,
    CORPUS_KINDS,
    GPT_BOUNDS,
    LEGACY_TEXT_MODEL,
    LEGACY_TRAINING,
    MAX_BPE_VOCAB,
    MAX_SEPARATOR_LENGTH,
    MIN_BPE_VOCAB,
    MODELS,
    SCHEDULES,
    SEPARATOR_NONE,
    TEXT_MODEL_BOUNDS,
    TEXT_MODES,
    TOKENS_KINDS,
    Bound,
)
from .json_scan import is_number, js_number, utf16_length

# config-bounds.ts: the keys whose values are words, then every numeric key, in the order a
# config's JSON has them (validateConfig builds its copy in this order).
WORD_KEYS = ("model", "schedule", "tokens", "text", "separator")
NUMERIC_KEYS = (*CONFIG_BOUNDS, *TEXT_MODEL_BOUNDS)
_WORDS = (
    ("model", MODELS),
    ("schedule", SCHEDULES),
    ("tokens", TOKENS_KINDS),
    ("text", TEXT_MODES),
)
_MISSING = object()


def with_legacy_training(raw: dict[str, Any]) -> dict[str, Any]:
    """Each absent key of the schedule and the guard takes its legacy value, appended after the
    keys present (the order JSON.stringify of the spread object keeps): format 2 read as 3."""
    return {**raw, **{k: v for k, v in LEGACY_TRAINING.items() if k not in raw}}


def with_legacy_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """run-config.ts withLegacyKeys: the schedule's and the guard's keys, then issue 18's
    (characters, one example per line, plain Adam with betas 0.9 and 0.999)."""
    out = with_legacy_training(raw)
    return {**out, **{k: v for k, v in LEGACY_TEXT_MODEL.items() if k not in out}}


def _js_string(value: Any) -> str:
    """String(value) for what a config may hold (a missing key reads as undefined)."""
    if value is _MISSING:
        return "undefined"
    if isinstance(value, str):
        return value
    return "null" if value is None else json.dumps(value)


def list_choices(choices: Sequence[str]) -> str:
    """config.ts listChoices: `a, b or c`."""
    if len(choices) < 2:
        return "".join(choices)
    return f"{', '.join(choices[:-1])} or {choices[-1]}"


def _one_of(key: str, raw: dict[str, Any], allowed: Sequence[str]) -> str:
    value = raw.get(key, _MISSING)
    if value not in allowed:
        raise ConfigError(f'Unknown {key} "{_js_string(value)}": choose {list_choices(allowed)}.')
    return value


def bound_of(model: str, key: str) -> Bound:
    """config-bounds.ts boundOf: gpt is built deeper and longer than the mlp and transformer."""
    if key in TEXT_MODEL_BOUNDS:
        return TEXT_MODEL_BOUNDS[key]
    return GPT_BOUNDS.get(key, CONFIG_BOUNDS[key]) if model == "gpt" else CONFIG_BOUNDS[key]


def validate_config(raw: Any) -> dict[str, Any]:
    """Checks every field and returns a clean copy in the browser's key order."""
    if not isinstance(raw, dict):
        raise ConfigError("The run config must be an object.")
    raw = with_legacy_keys(raw)
    out: dict[str, Any] = {key: _one_of(key, raw, allowed) for key, allowed in _WORDS}
    separator = raw.get("separator", _MISSING)
    if not isinstance(separator, str) or not 0 < utf16_length(separator) <= MAX_SEPARATOR_LENGTH:
        shown = "undefined" if separator is _MISSING else json.dumps(separator, ensure_ascii=False)
        raise ConfigError(
            f'Config "separator" must be none, blank or a literal of 1 to {MAX_SEPARATOR_LENGTH} '
            f"characters, got {shown}."
        )
    out["separator"] = separator
    for key in NUMERIC_KEYS:
        lo, hi, integer = bound_of(out["model"], key)
        value = raw.get(key)
        if not is_number(value):
            raise ConfigError(f'Config "{key}" must be a number, got {json.dumps(value)}.')
        if integer and not float(value).is_integer():
            raise ConfigError(f'Config "{key}" must be a whole number, got {js_number(value)}.')
        if value < lo or value > hi:
            raise ConfigError(
                f'Config "{key}" must be between {js_number(lo)} and {js_number(hi)}, '
                f"got {js_number(value)}."
            )
        out[key] = int(value) if integer else value
    bpe_vocab = _bpe_vocab_size(out["tokens"], out["text"], raw.get("vocabSize", _MISSING))
    if bpe_vocab is not None:
        out["vocabSize"] = bpe_vocab
    if "corpus" in raw:
        out["corpus"] = _corpus_kind(out["tokens"], out["text"], raw)
    _check_shape(out)
    _check_schedule(out)
    return out


def _bpe_vocab_size(tokens: str, text: str, value: Any) -> int | None:
    """config.ts bpeVocabSize: tokens=bpe needs prose and a vocabSize in range; other tokens
    take none (written only for bpe, so other configs are as before)."""
    if tokens != "bpe":
        if value is _MISSING:
            return None
        raise ConfigError(
            f'Config "vocabSize" sizes a learned BPE (tokens=bpe); with tokens={tokens} the '
            "vocabulary follows the text. Remove vocabSize or set tokens=bpe."
        )
    if text != "prose":
        raise ConfigError(
            "A BPE (tokens=bpe) is learned on prose: set text=prose, or choose char or byte tokens."
        )
    whole = is_number(value) and float(value).is_integer()
    if not whole or not MIN_BPE_VOCAB <= value <= MAX_BPE_VOCAB:
        raise BpeVocabSizeError(value if is_number(value) else math.nan)
    return int(value)


def _corpus_kind(tokens: str, text: str, raw: dict[str, Any]) -> str:
    """config.ts corpusKind: corpus=shards streams prose to byte or BPE token shards (written
    only for a run on shards, so other configs are as before)."""
    kind = _one_of("corpus", raw, CORPUS_KINDS)
    if text != "prose" or tokens == "char":
        raise ConfigError(
            'Config "corpus=shards" streams prose into byte or BPE token shards: set text=prose '
            "and tokens=byte or tokens=bpe, or remove corpus."
        )
    return kind


def _check_shape(config: dict[str, Any]) -> None:
    model = config["model"]
    if model != "mlp" and config["embed"] % config["heads"] != 0:
        raise ConfigError(
            f"The {model}'s embed ({config['embed']}) must be a multiple of heads "
            f"({config['heads']}): each head takes embed / heads of the width. Change one of them."
        )
    if model != "gpt" and config["dropout"] != 0:
        raise ConfigError(
            'Config "dropout" applies to gpt only: set it to 0 or choose model gpt.'
        )
    if model != "gpt" and config["tie"] != 0:
        raise ConfigError(
            "Config \"tie\" ties gpt's output layer to its token embedding: set it to 0 or choose "
            "model gpt."
        )
    if config["text"] == "lines" and config["separator"] != SEPARATOR_NONE:
        raise ConfigError(
            'Config "separator" splits prose into documents; with text=lines every line is one. '
            "Set separator=none or text=prose."
        )


def _check_schedule(config: dict[str, Any]) -> None:
    if config["minLr"] > config["lr"]:
        raise ConfigError(
            f'Config "minLr" ({js_number(config["minLr"])}) must not exceed the learning rate '
            f'({js_number(config["lr"])}).'
        )
    if config["schedule"] != "cosine":
        return
    end = config["decaySteps"] if config["decaySteps"] > 0 else config["steps"]
    if end == 0:
        raise ConfigError(
            'The cosine schedule needs an end: set "decaySteps" or a step budget ("steps").'
        )
    if end <= config["warmup"]:
        raise ConfigError(
            f'Config "decaySteps" (or the step budget, {end}) must be after the warm-up of '
            f'{config["warmup"]} steps.'
        )


@dataclass(frozen=True)
class VariableSpec:
    name: str
    shape: tuple[int, ...]
    init: str  # 'normal', 'zeros' or 'ones'; the values come from the checkpoint here


def _dense(prefix: str, fan_in: int, fan_out: int) -> list[VariableSpec]:
    return [
        VariableSpec(f"{prefix}/kernel", (fan_in, fan_out), "normal"),
        VariableSpec(f"{prefix}/bias", (fan_out,), "zeros"),
    ]


def _layer_norm(prefix: str, size: int) -> list[VariableSpec]:
    return [
        VariableSpec(f"{prefix}/gamma", (size,), "ones"),
        VariableSpec(f"{prefix}/beta", (size,), "zeros"),
    ]


def _blocks(config: dict[str, Any]) -> list[VariableSpec]:
    """The pre-LN blocks the transformer and gpt share, each variable in the optimizer's order."""
    e, w = config["embed"], config["width"]
    specs: list[VariableSpec] = []
    for i in range(config["layers"]):
        b = f"block{i}"
        specs += _layer_norm(f"{b}/ln1", e) + _dense(f"{b}/attn/qkv", e, 3 * e)
        specs += _dense(f"{b}/attn/proj", e, e) + _layer_norm(f"{b}/ln2", e)
        specs += _dense(f"{b}/mlp/fc", e, w) + _dense(f"{b}/mlp/proj", w, e)
    return specs


def model_spec(config: dict[str, Any], vocab_size: int) -> list[VariableSpec]:
    """The variables in the fixed order the optimizer sees them (and the file stores them)."""
    e, w, layers, t = config["embed"], config["width"], config["layers"], config["context"]
    if config["model"] == "mlp":
        specs = [VariableSpec("emb", (vocab_size, e), "normal")]
        for i in range(layers):
            specs += _dense(f"hidden{i}", t * e if i == 0 else w, w)
        return specs + _dense("out", w, vocab_size)
    specs = [
        VariableSpec("tok_emb", (vocab_size, e), "normal"),
        VariableSpec("pos_emb", (t, e), "normal"),
        *_blocks(config),
        *_layer_norm("ln_f", e),
    ]
    if config["model"] == "transformer":
        return specs + _dense("head", e, vocab_size)
    # gpt: the output layer is the token embedding itself (tie 1), or its own bias-free matrix.
    untied = [VariableSpec("head/kernel", (e, vocab_size), "normal")]
    return specs + ([] if config["tie"] == 1 else untied)


def decays(spec: VariableSpec) -> bool:
    """model-spec.ts decays: AdamW's weight decay applies to matrices and embeddings (rank 2),
    not to biases or layer norms, as nanoGPT's configure_optimizers decides."""
    return len(spec.shape) >= 2


def element_count(shape: tuple[int, ...]) -> int:
    return math.prod(shape)
