"""A checkpoint file as a run: decoded as src/shared/checkpoint/checkpoint-read.ts decodes it,
every check in the same order, so a bad file gets the same named refusal (checkpoint_write.py
writes one)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .checkpoint_meta import CheckpointMeta, decode_meta
from .checkpoint_migrate import (
    accumulated_beta_power,
    format_tag,
    migrate_v1,
    migrate_v2,
    migrate_v3,
)
from .errors import (
    CheckpointIntegrityError,
    CheckpointMismatchError,
    CheckpointVersionError,
    format_shape,
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
    OLDEST_FORMAT_VERSION,
)
from .run_config import model_spec
from .text_mode import vocab_size as text_vocab_size
from .safetensors_io import (
    Entry,
    read_layout,
    read_tensor_bytes,
    to_array,
)

TAG = re.compile(rf"^{FORMAT_NAME}/([1-9][0-9]{{0,8}})$")
SLOT = re.compile(r"^optimizer/.+/[mv]$")


@dataclass
class Checkpoint:
    """A run's whole state: metadata plus every tensor, in the file's canonical order.

    `raw_meta` is the file's metadata as format 3 or 4 spells it (a format-1 or -2 file's
    migrated to 3, a format-3 file's kept as 3): the writer passes what training did not change
    through as it came, so a file handed back says it in the browser's own spelling."""

    format_version: int
    meta: CheckpointMeta
    raw_meta: dict[str, str]
    tensors: dict[str, np.ndarray]


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
    if version > CURRENT_FORMAT_VERSION:
        raise CheckpointVersionError(
            f"This checkpoint is format {format_tag(version)}, written by a newer version of the "
            f"app; this version reads {format_tag(OLDEST_FORMAT_VERSION)} to "
            f"{format_tag(CURRENT_FORMAT_VERSION)}. Update python/tabtrainer to the app's "
            f"version, then continue it again."
        )
    return version


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
    heads = "" if config["model"] == "mlp" else f", heads {config['heads']}"
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
        meta = decode_meta(migrate_v3(raw) if version <= 3 else raw)
        iterations = meta.optimizer["iterations"]
        vocab_size = text_vocab_size(meta.config, meta.dataset["vocab"])
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
