"""The run config and the model's variable list: ports of src/shared/config.ts (validateConfig)
and src/shared/model-spec.ts (modelSpec), which both sides check a checkpoint against."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .facts import CONFIG_BOUNDS, LEGACY_TRAINING, SCHEDULES
from .json_scan import is_number, js_number


def with_legacy_training(raw: dict[str, Any]) -> dict[str, Any]:
    """config.ts withLegacyTraining: each absent training key takes its legacy value, appended
    after the keys present (the order JSON.stringify of the spread object keeps)."""
    out = dict(raw)
    for key, value in LEGACY_TRAINING.items():
        if key not in out:
            out[key] = value
    return out


def _js(value: Any) -> str:
    import json

    return json.dumps(value)


def validate_config(raw: Any) -> dict[str, Any]:
    """Checks every field and returns a clean copy in the browser's key order."""
    if not isinstance(raw, dict):
        raise ConfigError("The run config must be an object.")
    raw = with_legacy_training(raw)
    model = raw.get("model")
    if model not in ("mlp", "transformer"):
        raise ConfigError(f'Unknown model "{model}": choose mlp or transformer.')
    schedule = raw.get("schedule")
    if schedule not in SCHEDULES:
        raise ConfigError(f'Unknown schedule "{schedule}": choose constant or cosine.')
    out: dict[str, Any] = {"model": model, "schedule": schedule}
    for key, (lo, hi, integer) in CONFIG_BOUNDS.items():
        value = raw.get(key)
        if not is_number(value):
            raise ConfigError(f'Config "{key}" must be a number, got {_js(value)}.')
        if integer and not float(value).is_integer():
            raise ConfigError(f'Config "{key}" must be a whole number, got {js_number(value)}.')
        if value < lo or value > hi:
            raise ConfigError(
                f'Config "{key}" must be between {js_number(lo)} and {js_number(hi)}, '
                f"got {js_number(value)}."
            )
        out[key] = int(value) if integer else value
    if model == "transformer" and out["embed"] % out["heads"] != 0:
        raise ConfigError(
            f"The transformer's embed ({out['embed']}) must be a multiple of heads "
            f"({out['heads']})."
        )
    _check_schedule(out)
    return out


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
    ]
    for i in range(layers):
        b = f"block{i}"
        specs += _layer_norm(f"{b}/ln1", e) + _dense(f"{b}/attn/qkv", e, 3 * e)
        specs += _dense(f"{b}/attn/proj", e, e) + _layer_norm(f"{b}/ln2", e)
        specs += _dense(f"{b}/mlp/fc", e, w) + _dense(f"{b}/mlp/proj", w, e)
    return specs + _layer_norm("ln_f", e) + _dense("head", e, vocab_size)


def element_count(shape: tuple[int, ...]) -> int:
    return math.prod(shape)
