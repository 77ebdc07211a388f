"""Older formats read as the browser reads them (src/shared/checkpoint/migrate-v1.ts, -v2.ts,
-v3.ts): each step rewrites one version's metadata as the next one's, so the reader knows one
format. A run from before a key existed keeps the behaviour it had."""

from __future__ import annotations

import json
from typing import Mapping

import numpy as np

from .facts import FORMAT_NAME, NO_GUARD_STATE
from .format_choice import describe_tokenizer
from .json_scan import js_json, parse_json
from .run_config import validate_config, with_legacy_keys, with_legacy_training
from .errors import ConfigError


def format_tag(version: int) -> str:
    return f"{FORMAT_NAME}/{version}"


def accumulated_beta_power(beta: float, iterations: int) -> np.float32:
    """What tfjs's Adam holds after `iterations` steps: beta multiplied in float32, not pow()."""
    b = np.float32(beta)
    acc = b
    for _ in range(min(iterations, 50_000_000)):
        nxt = np.float32(acc * b)
        if nxt == acc:
            break
        acc = nxt
    return acc


def _newest_val_loss(metrics_json: str | None) -> str:
    try:
        val = json.loads(metrics_json or "")["val"]
        return json.dumps(val[-1][1] if len(val) > 0 else None)
    except (ValueError, KeyError, TypeError, IndexError):
        return "null"


def migrate_v1(meta: Mapping[str, str]) -> dict[str, str]:
    """Format 1 as format 2: `prng` and `cursor` renamed, `training_ms` 0, `val_loss` the newest
    validation row. (The beta powers are rebuilt by the reader, from the tensors.)"""
    out = dict(meta)
    for old, new in (("prng", "rng"), ("cursor", "data_cursor")):
        value = out.pop(old, None)
        if value is not None and new not in out:
            out[new] = value
    out.setdefault("training_ms", "0")
    if "val_loss" not in out:
        out["val_loss"] = _newest_val_loss(out.get("metrics"))
    out["format"] = format_tag(2)
    return out


def migrate_v2(meta: Mapping[str, str]) -> dict[str, str]:
    """Format 2 as format 3: the schedule's and the guard's keys at their legacy values (constant
    rate, no clipping, guard off) and an empty guard state. Issue 18's keys are format 4's
    (migrate_v3), so the result is a genuine format-3 config that is written back as one."""
    out = dict(meta)
    try:
        parsed = parse_json(out.get("config", ""))
        if isinstance(parsed, dict):
            out["config"] = js_json(with_legacy_training(parsed))
    except ValueError:
        pass  # a broken config is reported by the reader, under its own key
    if "guard" not in out:
        out["guard"] = js_json(NO_GUARD_STATE)
    out["format"] = format_tag(3)
    return out


def migrate_v3(meta: Mapping[str, str]) -> dict[str, str]:
    """Format 3 as format 4: characters, one example per line, plain Adam with betas 0.9 and
    0.999; `tokenizer` is what that config and its alphabet describe."""
    out = dict(meta)
    try:
        parsed = parse_json(out.get("config", ""))
        if isinstance(parsed, dict):
            config = with_legacy_keys(parsed)
            out["config"] = js_json(config)
            alphabet = parse_json(out.get("dataset", "")).get("vocab")
            if isinstance(alphabet, str):
                out["tokenizer"] = describe_tokenizer(validate_config(config), alphabet)
    except (ValueError, AttributeError, ConfigError):
        pass  # a broken config or dataset is reported by the reader, under its own key
    out["format"] = format_tag(4)
    return out
