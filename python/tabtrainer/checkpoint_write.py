"""A run written as the browser writes it (src/shared/checkpoint/checkpoint-metadata.ts
encodeCheckpointMetadata, checkpoint-write.ts): the version format-choice.ts picks, the
browser's member order and number spelling, tensors in canonical order with their SHA-256s,
and the file replaced atomically."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

import numpy as np

from .checkpoint import SLOT, Checkpoint, expected_tensors
from .checkpoint_meta import CheckpointMeta
from .checkpoint_migrate import format_tag
from .format_choice import describe_tokenizer, format3_config, format_version_for
from .json_scan import js_json, js_number, js_stringify
from .safetensors_io import TensorToWrite, write_file_atomically
from .text_mode import vocab_size as text_vocab_size


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


def _config_json(meta: CheckpointMeta, raw: Mapping[str, str], version: int) -> str:
    """The source's own spelling when it was written in this version; else what the browser
    writes (format 3: without issue 18's keys)."""
    if raw.get("format") == format_tag(version):
        return raw["config"]
    return js_json(format3_config(meta.config) if version == 3 else meta.config)


def encode_meta(
    meta: CheckpointMeta, raw: Mapping[str, str], producer: str, sha256: Mapping[str, str]
) -> dict[str, str]:
    """Metadata in the browser's key order (checkpoint-metadata.ts), in the version the browser
    writes this run in: 3 when format 3 describes it, else 4 with its `tokenizer`. `config` and
    `dataset` are passed through as the source file spelled them; what training changed is
    written as JSON.stringify would."""
    version = format_version_for(meta.config)
    opt = meta.optimizer
    opt_config = ",".join(f'"{k}":{js_number(v)}' for k, v in opt["config"].items())
    epoch, index = meta.cursor
    tokenizer = describe_tokenizer(meta.config, meta.dataset["vocab"])
    return {
        "format": format_tag(version),
        "step": str(meta.step),
        "epoch": str(epoch),
        "config": _config_json(meta, raw, version),
        "dataset": raw["dataset"],
        "optimizer": (
            f'{{"className":{js_stringify(opt["className"])},"config":{{{opt_config}}},'
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
        **({} if version == 3 else {"tokenizer": tokenizer}),
        "producer": producer,
    }


def write_checkpoint(path: str, ckpt: Checkpoint, producer: str) -> None:
    """Writes tensors in canonical order with their SHA-256s, atomically (temp file, rename)."""
    meta = ckpt.meta
    vocab_size = text_vocab_size(meta.config, meta.dataset["vocab"])
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
