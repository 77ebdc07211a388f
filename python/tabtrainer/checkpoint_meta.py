"""Typed readers of ``__metadata__`` (src/shared/checkpoint/metadata-fields.ts and
checkpoint-metadata.ts): each refusal names the key that is wrong, as the browser's do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from .errors import EXPORT_AGAIN, CheckpointFormatError, CheckpointMismatchError, ConfigError
from .json_scan import is_count, is_number, parse_json
from .run_config import BOUNDS, validate_config

KNOWN_CONFIG_KEYS = {"model", *BOUNDS}

BROWSER_BACKENDS = ("webgpu", "webgl", "cpu")
# A file this package wrote says so in `backend`: torch and the device it trained on.
PRODUCER_BACKEND = re.compile(r"^torch-[a-z0-9]+$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def bad_field(key: str, problem: str) -> CheckpointFormatError:
    return CheckpointFormatError(f'The checkpoint\'s metadata "{key}" {problem}. {EXPORT_AGAIN}')


def meta_text(meta: Mapping[str, str], key: str) -> str:
    if key not in meta:
        raise bad_field(key, "is missing")
    return meta[key]


def meta_json(meta: Mapping[str, str], key: str) -> Any:
    text = meta_text(meta, key)
    try:
        return parse_json(text)
    except ValueError:
        raise bad_field(key, "is not valid JSON") from None


def meta_count(meta: Mapping[str, str], key: str) -> int:
    value = meta_json(meta, key)
    if not is_count(value):
        raise bad_field(key, "must be a whole number of at least 0")
    return int(value)


def utf16_length(text: str) -> int:
    """String.prototype.length, which the browser uses for the vocabulary's size."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class CheckpointMeta:
    step: int
    cursor: tuple[int, int]
    prng: tuple[int, int, int, int]
    optimizer: dict[str, Any]
    metrics: dict[str, list[list[float]]]
    training_ms: float
    config: dict[str, Any]
    dataset: dict[str, Any]
    backend: str
    app_version: str
    tfjs_version: str
    created_at: str
    run_name: str
    val_loss: float | None
    sha256: dict[str, str]


def _cursor(meta: Mapping[str, str]) -> tuple[int, int]:
    v = meta_json(meta, "data_cursor")
    if not (isinstance(v, dict) and is_count(v.get("epoch")) and is_count(v.get("index"))):
        raise bad_field("data_cursor", 'must be {"epoch", "index"} with whole numbers')
    return int(v["epoch"]), int(v["index"])


def _prng(meta: Mapping[str, str]) -> tuple[int, int, int, int]:
    v = meta_json(meta, "rng")
    ok = isinstance(v, list) and len(v) == 4 and all(is_count(w) and w <= 0xFFFFFFFF for w in v)
    if not ok or all(w == 0 for w in v):
        raise bad_field("rng", "must be four uint32 words, not all zero")
    a, b, c, d = (int(w) for w in v)
    return a, b, c, d


def _optimizer(meta: Mapping[str, str]) -> dict[str, Any]:
    v = meta_json(meta, "optimizer")
    c = v.get("config") if isinstance(v, dict) else None
    if not (
        isinstance(v, dict)
        and v.get("className") == "Adam"
        and is_count(v.get("iterations"))
        and isinstance(c, dict)
        and is_number(c.get("learningRate"))
        and is_number(c.get("epsilon"))
        and all(is_number(c.get(b)) and 0 <= c[b] < 1 for b in ("beta1", "beta2"))
    ):
        raise bad_field("optimizer", "must describe an Adam optimizer (learningRate, beta1, beta2, epsilon)")
    assert isinstance(c, dict)
    return {
        "className": "Adam",
        "config": {k: c[k] for k in ("learningRate", "beta1", "beta2", "epsilon")},
        "iterations": int(v["iterations"]),
    }


def _loss_rows(rows: Any) -> list[list[float]] | None:
    if not isinstance(rows, list):
        return None
    out: list[list[float]] = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2 and is_count(row[0])):
            return None
        if row[1] is not None and not (isinstance(row[1], (int, float)) and not isinstance(row[1], bool)):
            return None
        out.append([int(row[0]), float("nan") if row[1] is None else float(row[1])])
    return out


def _metrics(meta: Mapping[str, str]) -> dict[str, list[list[float]]]:
    v = meta_json(meta, "metrics")
    train = _loss_rows(v.get("train")) if isinstance(v, dict) else None
    val = _loss_rows(v.get("val")) if isinstance(v, dict) else None
    if train is None or val is None:
        raise bad_field("metrics", 'must be {"train", "val"}, each a list of [step, loss] rows')
    return {"train": train, "val": val}


def _dataset(meta: Mapping[str, str]) -> dict[str, Any]:
    v = meta_json(meta, "dataset")
    if not (
        isinstance(v, dict)
        and isinstance(v.get("id"), str)
        and HEX64.match(v["id"])
        and isinstance(v.get("name"), str)
        and isinstance(v.get("vocab"), str)
        and utf16_length(v["vocab"]) >= 2
        and is_count(v.get("trainExamples"))
        and is_count(v.get("valExamples"))
    ):
        raise bad_field("dataset", "must describe the dataset (id, name, vocab, trainExamples, valExamples)")
    return {k: v[k] for k in ("id", "name", "vocab", "trainExamples", "valExamples")}


def _sha256(meta: Mapping[str, str]) -> dict[str, str]:
    v = meta_json(meta, "sha256")
    if not (isinstance(v, dict) and all(isinstance(h, str) and HEX64.match(h) for h in v.values())):
        raise bad_field("sha256", "must map each tensor name to a lowercase hex SHA-256")
    return dict(v)


def _config(meta: Mapping[str, str]) -> dict[str, Any]:
    raw = meta_json(meta, "config")
    if isinstance(raw, dict):
        unknown = sorted(set(raw) - KNOWN_CONFIG_KEYS)
        if unknown:
            # A trajectory setting this bridge does not implement (a schedule, clipping, a guard)
            # would make the continuation a look-alike, not the same run: refuse it by name.
            raise CheckpointMismatchError(
                f"The checkpoint's run config has {', '.join(unknown)}, which this version of "
                f"python/tabtrainer does not implement, so it cannot continue the same run. "
                f"Update python/tabtrainer to the app's version."
            )
    try:
        return validate_config(raw)
    except ConfigError as err:
        raise CheckpointMismatchError(
            f"The checkpoint's run config is not one this app can run: {err} It may come from "
            f"a newer version of the app (reload the page to update), or the file was edited. "
            + EXPORT_AGAIN
        ) from None


def decode_meta(meta: Mapping[str, str]) -> CheckpointMeta:
    """Reads current-version metadata in the browser's order of checks."""
    config = _config(meta)
    cursor = _cursor(meta)
    if meta_count(meta, "epoch") != cursor[0]:
        raise bad_field("epoch", f"disagrees with data_cursor's epoch {cursor[0]}")
    backend = meta_text(meta, "backend")
    if backend not in BROWSER_BACKENDS and not PRODUCER_BACKEND.match(backend):
        raise bad_field("backend", f"must be one of {', '.join(BROWSER_BACKENDS)} or torch-<device>")
    created_at = meta_text(meta, "created_at")
    try:
        datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        raise bad_field("created_at", "must be an ISO date") from None
    training_ms = meta_json(meta, "training_ms")
    if not is_number(training_ms) or training_ms < 0:
        raise bad_field("training_ms", "must be a number of at least 0")
    val_loss = meta_json(meta, "val_loss")
    if val_loss is not None and not is_number(val_loss):
        raise bad_field("val_loss", "must be a number or null")
    return CheckpointMeta(
        step=meta_count(meta, "step"),
        cursor=cursor,
        prng=_prng(meta),
        optimizer=_optimizer(meta),
        metrics=_metrics(meta),
        training_ms=float(training_ms),
        config=config,
        dataset=_dataset(meta),
        backend=backend,
        app_version=meta_text(meta, "app_version"),
        tfjs_version=meta_text(meta, "tfjs_version"),
        created_at=created_at,
        run_name=meta_text(meta, "run_name"),
        val_loss=None if val_loss is None else float(val_loss),
        sha256=_sha256(meta),
    )
