"""A checkpoint file as a run: decode (src/shared/checkpoint/checkpoint-read.ts, every check in
the same order, so a bad file gets the same named refusal) and encode in the browser's format."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .checkpoint_meta import CheckpointMeta, decode_meta, utf16_length
from .errors import (
    CheckpointIntegrityError,
    CheckpointMismatchError,
    CheckpointVersionError,
    format_shape,
    js_stringify,
    quote_name,
)
from .facts import (
    BETA1_POWER_TENSOR,
    BETA2_POWER_TENSOR,
    CHOOSE_OURS,
    COPY_AGAIN,
    CURRENT_FORMAT_VERSION,
    EXPORT_AGAIN,
    FORMAT_NAME,
    ITER_TENSOR,
    NO_GUARD_STATE,
    OLDEST_FORMAT_VERSION,
)
from .json_scan import js_number, parse_json
from .run_config import model_spec, with_legacy_training
from .safetensors_io import (
    Entry,
    TensorToWrite,
    read_layout,
    read_tensor_bytes,
    to_array,
    write_file_atomically,
)

TAG = re.compile(rf"^{FORMAT_NAME}/([1-9][0-9]{{0,8}})$")
SLOT = re.compile(r"^optimizer/.+/[mv]$")


def format_tag(version: int) -> str:
    return f"{FORMAT_NAME}/{version}"


@dataclass
class Checkpoint:
    """A run's whole state: metadata plus every tensor, in the file's canonical order."""

    format_version: int
    meta: CheckpointMeta
    raw_meta: dict[str, str]
    tensors: dict[str, np.ndarray]


# The newest format this bridge implements: format 4 (gpt, byte tokens, prose, AdamW) is read
# and refused by name until the bridge continues those runs; it writes format 3 meanwhile.
BRIDGE_FORMAT_VERSION = min(CURRENT_FORMAT_VERSION, 3)


def _check_version(meta: Mapping[str, str] | None) -> int:
    tag = None if meta is None else meta.get("format")
    match = None if tag is None else TAG.match(tag)
    if match is None:
        seen = 'it has no "format" metadata' if tag is None else f"its format is {quote_name(tag)}"
        raise CheckpointMismatchError(
            f"This file is not a checkpoint of this trainer: {seen}, not "
            f"{format_tag(CURRENT_FORMAT_VERSION)}. " + CHOOSE_OURS
        )
    version = int(match.group(1))
    if version > BRIDGE_FORMAT_VERSION:
        raise CheckpointVersionError(
            f"This checkpoint is format {format_tag(version)}, written by a newer version of the "
            f"app; this version reads {format_tag(OLDEST_FORMAT_VERSION)} to "
            f"{format_tag(BRIDGE_FORMAT_VERSION)}. Update python/tabtrainer to the app's version, "
            f"then continue it again."
        )
    return version


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
    """Format-1 metadata rewritten as format 2's (src/shared/checkpoint/migrate-v1.ts)."""
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


def js_json(value: Any) -> str:
    """JSON.stringify of a value made of objects, arrays, strings, numbers, booleans and null
    (a non-finite number is null, as in JavaScript)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return js_stringify(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{js_stringify(k)}:{js_json(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")


def migrate_v2(meta: Mapping[str, str]) -> dict[str, str]:
    """Format-2 metadata rewritten as format 3's (src/shared/checkpoint/migrate-v2.ts): the
    config's new keys take their legacy values (constant rate, no clipping, guard off) and the
    guard's state is empty."""
    out = dict(meta)
    try:
        parsed = parse_json(out.get("config", ""))
        if isinstance(parsed, dict):
            out["config"] = js_json(with_legacy_training(parsed))
    except ValueError:
        pass  # a broken config is reported by the format-3 reader, under its own key
    if "guard" not in out:
        out["guard"] = js_json(NO_GUARD_STATE)
    out["format"] = format_tag(3)
    return out


def expected_tensors(
    config: dict[str, Any], vocab_size: int, slots: bool, beta_powers: bool
) -> list[tuple[str, str, tuple[int, ...]]]:
    specs = model_spec(config, vocab_size)
    out = [(f"model/{v.name}", "F32", v.shape) for v in specs]
    if slots:
        for v in specs:
            out += [
                (f"optimizer/{v.name}/m", "F32", v.shape),
                (f"optimizer/{v.name}/v", "F32", v.shape),
            ]
    out.append((ITER_TENSOR, "I32", ()))
    if beta_powers:
        out += [(BETA1_POWER_TENSOR, "F32", ()), (BETA2_POWER_TENSOR, "F32", ())]
    return out


def _describe(config: dict[str, Any], vocab_size: int) -> str:
    heads = f", heads {config['heads']}" if config["model"] == "transformer" else ""
    sizes = (
        f"embed {config['embed']}, width {config['width']}, layers {config['layers']}{heads}, "
        f"context {config['context']}"
    )
    return f"{config['model']} ({sizes}, vocab {vocab_size})"


def _mismatch(problem: str) -> CheckpointMismatchError:
    return CheckpointMismatchError(
        f"The checkpoint's tensors do not match its own run config: {problem} The file was edited "
        f"or written by another program. {EXPORT_AGAIN}"
    )


def match_tensors(
    entries: list[Entry],
    config: dict[str, Any],
    vocab_size: int,
    iterations: int,
    beta_powers: bool,
) -> list[Entry]:
    by_name = {e.name: e for e in entries}
    slots = iterations > 0 or any(SLOT.match(e.name) for e in entries)
    expected = expected_tensors(config, vocab_size, slots, beta_powers)
    arch = _describe(config, vocab_size)
    matched: list[Entry] = []
    for name, dtype, shape in expected:
        got = by_name.get(name)
        if got is None:
            raise _mismatch(f"tensor {quote_name(name)} is missing, and a {arch} needs it.")
        if got.dtype != dtype:
            raise _mismatch(f"tensor {quote_name(name)} is {got.dtype}, it must be {dtype}.")
        if got.shape != shape:
            raise _mismatch(
                f"tensor {quote_name(name)} has shape {format_shape(got.shape)}, but a {arch} "
                f"needs {format_shape(shape)}."
            )
        matched.append(got)
    names = {n for n, _, _ in expected}
    extra = next((e for e in entries if e.name not in names), None)
    if extra is not None:
        raise _mismatch(f"tensor {quote_name(extra.name)} is not part of a {arch}.")
    return matched


def _check_hash_list(meta: CheckpointMeta, names: list[str]) -> None:
    missing = next((n for n in names if n not in meta.sha256), None)
    if missing is not None:
        raise CheckpointIntegrityError(
            f"The checkpoint has no SHA-256 for tensor {quote_name(missing)}, so its bytes cannot "
            f"be verified. {EXPORT_AGAIN}"
        )
    stray = next((n for n in meta.sha256 if n not in set(names)), None)
    if stray is not None:
        raise CheckpointIntegrityError(
            f"The checkpoint's sha256 list names {quote_name(stray)}, which the file does not "
            f"hold. " + EXPORT_AGAIN
        )


def read_checkpoint(path: str) -> Checkpoint:
    """Validates the whole file before returning anything; raises a Checkpoint*Error refusal."""
    with open(path, "rb") as f:
        layout = read_layout(f, os.fstat(f.fileno()).st_size)
        version = _check_version(layout.metadata)
        assert layout.metadata is not None
        raw = dict(layout.metadata)
        if version == 1:
            raw = migrate_v1(raw)
        if version <= 2:
            raw = migrate_v2(raw)
        meta = decode_meta(raw)
        iterations = meta.optimizer["iterations"]
        vocab_size = utf16_length(meta.dataset["vocab"])
        entries = match_tensors(layout.entries, meta.config, vocab_size, iterations, version >= 2)
        _check_hash_list(meta, [e.name for e in entries])
        tensors: dict[str, np.ndarray] = {}
        for entry in entries:
            data = read_tensor_bytes(f, layout, entry)
            if hashlib.sha256(data).hexdigest() != meta.sha256[entry.name]:
                raise CheckpointIntegrityError(
                    f"Tensor {quote_name(entry.name)} does not match its SHA-256: the file was "
                    f"damaged or edited. {COPY_AGAIN}"
                )
            tensors[entry.name] = to_array(entry, data)
    iter_value = int(tensors[ITER_TENSOR])
    if iter_value != iterations:
        raise CheckpointIntegrityError(
            f"Tensor {ITER_TENSOR} holds {iter_value} but the metadata says the optimizer took "
            f"{iterations} steps. {EXPORT_AGAIN}"
        )
    if version == 1:
        opt = meta.optimizer["config"]
        tensors[BETA1_POWER_TENSOR] = np.array(
            accumulated_beta_power(opt["beta1"], iterations), dtype=np.float32
        )
        tensors[BETA2_POWER_TENSOR] = np.array(
            accumulated_beta_power(opt["beta2"], iterations), dtype=np.float32
        )
    return Checkpoint(version, meta, raw, tensors)


def _rows_json(rows: list[list[float]]) -> str:
    return "[" + ",".join(f"[{int(s)},{js_number(loss)}]" for s, loss in rows) + "]"


def _metrics_json(metrics: Mapping[str, list[list[float]]]) -> str:
    parts = [f'"train":{_rows_json(metrics["train"])}', f'"val":{_rows_json(metrics["val"])}']
    if "gradNorm" in metrics:
        parts.append(f'"gradNorm":{_rows_json(metrics["gradNorm"])}')
    return "{" + ",".join(parts) + "}"


def guard_json(guard: Mapping[str, Any]) -> str:
    """The guard's state as the browser writes it: JSON.stringify of GuardState, keys in order."""
    window = lambda w: {"fromBatch": w["fromBatch"], "toBatch": w["toBatch"]}  # noqa: E731
    rewinds = [
        {
            "spikeStep": r["spikeStep"],
            "reason": r["reason"],
            "loss": r["loss"],
            "gradNorm": r["gradNorm"],
            "mean": r["mean"],
            "toSnapshotId": r["toSnapshotId"],
            "toStep": r["toStep"],
            "skipped": window(r["skipped"]),
            "lrScale": r["lrScale"],
        }
        for r in guard["rewinds"]
    ]
    return js_json(
        {
            "skips": [window(w) for w in guard["skips"]],
            "rewinds": rewinds,
            "lrScale": guard["lrScale"],
        }
    )


def encode_meta(
    meta: CheckpointMeta, raw: Mapping[str, str], producer: str, sha256: Mapping[str, str]
) -> dict[str, str]:
    """Format-3 metadata in the browser's key order. `config` and `dataset` are passed through as
    the source file spelled them; what training changed is written as JSON.stringify would."""
    opt = meta.optimizer
    opt_config = ",".join(f'"{k}":{js_number(v)}' for k, v in opt["config"].items())
    epoch, index = meta.cursor
    return {
        "format": format_tag(BRIDGE_FORMAT_VERSION),
        "step": str(meta.step),
        "epoch": str(epoch),
        "config": raw["config"],
        "dataset": raw["dataset"],
        "optimizer": (
            f'{{"className":"Adam","config":{{{opt_config}}},'
            f'"iterations":{opt["iterations"]}}}'
        ),
        "rng": "[" + ",".join(str(w) for w in meta.prng) + "]",
        "data_cursor": f'{{"epoch":{epoch},"index":{index}}}',
        "metrics": _metrics_json(meta.metrics),
        "created_at": meta.created_at,
        "sha256": json.dumps(dict(sha256), separators=(",", ":"), ensure_ascii=False),
        "app_version": meta.app_version,
        "tfjs_version": meta.tfjs_version,
        "backend": meta.backend,
        "training_ms": js_number(meta.training_ms),
        "run_name": meta.run_name,
        "val_loss": "null" if meta.val_loss is None else js_number(meta.val_loss),
        "guard": guard_json(meta.guard),
        "producer": producer,
    }


def write_checkpoint(path: str, ckpt: Checkpoint, producer: str) -> None:
    """Writes tensors in canonical order with their SHA-256s, atomically (temp file, rename)."""
    meta = ckpt.meta
    vocab_size = utf16_length(meta.dataset["vocab"])
    slots = any(SLOT.match(n) for n in ckpt.tensors)
    layout = expected_tensors(meta.config, vocab_size, slots, True)
    tensors: list[TensorToWrite] = []
    for name, dtype, shape in layout:
        array = ckpt.tensors[name]
        want = np.dtype("<f4") if dtype == "F32" else np.dtype("<i4")
        if array.dtype != want or tuple(array.shape) != shape:
            raise ValueError(
                f"{name} is {array.dtype} {array.shape}, the layout needs {want} {shape}"
            )
        tensors.append(TensorToWrite(name, dtype, shape, np.ascontiguousarray(array).tobytes()))
    sha = {t.name: hashlib.sha256(t.data).hexdigest() for t in tensors}
    write_file_atomically(path, tensors, encode_meta(meta, ckpt.raw_meta, producer, sha))
