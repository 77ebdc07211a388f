"""The run config and the model's variable list: ports of src/shared/config.ts (validateConfig)
and src/shared/model-spec.ts (modelSpec), which both sides check a checkpoint against."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .json_scan import is_number, js_number

MAX_DATASET_BYTES = 10 * 1024 * 1024

BOUNDS: dict[str, tuple[float, float, bool]] = {
    "embed": (2, 1024, True),
    "width": (2, 4096, True),
    "layers": (1, 4, True),
    "heads": (1, 16, True),
    "context": (1, 64, True),
    "batch": (1, 4096, True),
    "lr": (1e-6, 1, False),
    "seed": (0, 0xFFFFFFFF, True),
    "steps": (0, 1e9, True),
}


def _js(value: Any) -> str:
    import json

    return json.dumps(value)


def validate_config(raw: Any) -> dict[str, Any]:
    """Checks every field and returns a clean copy in the browser's key order."""
    if not isinstance(raw, dict):
        raise ConfigError("The run config must be an object.")
    model = raw.get("model")
    if model not in ("mlp", "transformer"):
        raise ConfigError(f'Unknown model "{model}": choose mlp or transformer.')
    out: dict[str, Any] = {"model": model}
    for key, (lo, hi, integer) in BOUNDS.items():
        value = raw.get(key)
        if not is_number(value):
            raise ConfigError(f'Config "{key}" must be a number, got {_js(value)}.')
        if integer and not float(value).is_integer():
            raise ConfigError(f'Config "{key}" must be a whole number, got {js_number(value)}.')
        if value < lo or value > hi:
            raise ConfigError(f'Config "{key}" must be between {js_number(lo)} and {js_number(hi)}, got {js_number(value)}.')
        out[key] = int(value) if integer else value
    if model == "transformer" and out["embed"] % out["heads"] != 0:
        raise ConfigError(
            f"The transformer's embed ({out['embed']}) must be a multiple of heads ({out['heads']})."
        )
    return out


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
    return [VariableSpec(f"{prefix}/gamma", (size,), "ones"), VariableSpec(f"{prefix}/beta", (size,), "zeros")]


def model_spec(config: dict[str, Any], vocab_size: int) -> list[VariableSpec]:
    """The variables in the fixed order the optimizer sees them (and the file stores them)."""
    e, w, layers, t = config["embed"], config["width"], config["layers"], config["context"]
    if config["model"] == "mlp":
        specs = [VariableSpec("emb", (vocab_size, e), "normal")]
        for i in range(layers):
            specs += _dense(f"hidden{i}", t * e if i == 0 else w, w)
        return specs + _dense("out", w, vocab_size)
    specs = [VariableSpec("tok_emb", (vocab_size, e), "normal"), VariableSpec("pos_emb", (t, e), "normal")]
    for i in range(layers):
        b = f"block{i}"
        specs += _layer_norm(f"{b}/ln1", e) + _dense(f"{b}/attn/qkv", e, 3 * e)
        specs += _dense(f"{b}/attn/proj", e, e) + _layer_norm(f"{b}/ln2", e)
        specs += _dense(f"{b}/mlp/fc", e, w) + _dense(f"{b}/mlp/proj", w, e)
    return specs + _layer_norm("ln_f", e) + _dense("head", e, vocab_size)


def element_count(shape: tuple[int, ...]) -> int:
    return math.prod(shape)
