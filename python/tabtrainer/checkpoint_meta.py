"""A checkpoint's ``__metadata__`` as the run it describes (src/shared/checkpoint/
checkpoint-metadata.ts): every value read and checked in the browser's order, each refusal
naming the key that is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from .errors import CheckpointMismatchError, ConfigError
from .facts import BACKENDS, EXPORT_AGAIN
from .format_choice import describe_tokenizer
from .history_meta import read_guard, read_metrics
from .json_scan import is_count, is_number, js_number, utf16_length
from .meta_fields import bad_field, meta_count, meta_json, meta_text
from .run_config import NUMERIC_KEYS, WORD_KEYS, validate_config

_MISSING = object()

# vocabSize: tokens=bpe only (issue 20), where bpe_prose.py reads its tokenizer.json; corpus:
# a run on token shards, whose text shard_corpus.py tokenizes again.
KNOWN_CONFIG_KEYS = {*WORD_KEYS, *NUMERIC_KEYS, "vocabSize", "corpus"}

# A file this package wrote says so in `backend`: torch and the device it trained on.
PRODUCER_BACKEND = re.compile(r"^torch-[a-z0-9]+$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class CheckpointMeta:
    step: int
    cursor: tuple[int, int]
    prng: tuple[int, int, int, int]
    optimizer: dict[str, Any]
    # {"train", "val"} and, from format 3, "gradNorm" ([step, norm] rows of the train steps).
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
    # {"skips": [{"fromBatch", "toBatch"}], "rewinds": [...], "lrScale"}; a non-finite loss or
    # norm of a rewind is None (the file's null).
    guard: dict[str, Any]


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
    """Adam, or (format 4) AdamW: Adam's state with a decoupled weight decay above 0."""
    v = meta_json(meta, "optimizer")
    c = v.get("config") if isinstance(v, dict) else None
    adam_w = isinstance(v, dict) and v.get("className") == "AdamW"
    decay = c.get("weightDecay", _MISSING) if isinstance(c, dict) else _MISSING
    if not (
        isinstance(v, dict)
        and v.get("className") in ("Adam", "AdamW")
        and is_count(v.get("iterations"))
        and isinstance(c, dict)
        and is_number(c.get("learningRate"))
        and is_number(c.get("epsilon"))
        and all(is_number(c.get(b)) and 0 <= c[b] < 1 for b in ("beta1", "beta2"))
        and (is_number(decay) and decay > 0 if adam_w else decay is _MISSING)
    ):
        raise bad_field(
            "optimizer",
            "must describe an Adam optimizer (learningRate, beta1, beta2, epsilon) or AdamW (and "
            "weightDecay above 0)",
        )
    assert isinstance(c, dict)
    config = {k: c[k] for k in ("learningRate", "beta1", "beta2", "epsilon")}
    if adam_w:
        config["weightDecay"] = decay
    return {"className": v["className"], "config": config, "iterations": int(v["iterations"])}


def _check_optimizer(config: Mapping[str, Any], optimizer: Mapping[str, Any]) -> None:
    """The optimizer the file describes must be the one its config trains with."""
    c = optimizer["config"]
    decay = c.get("weightDecay", 0)
    if (c["beta1"], c["beta2"], decay) != (config["beta1"], config["beta2"], config["weightDecay"]):
        raise CheckpointMismatchError(
            f"The checkpoint's optimizer ({optimizer['className']}, betas {js_number(c['beta1'])} "
            f"and {js_number(c['beta2'])}, weight decay {js_number(decay)}) is not the one its "
            f"run config trains with (betas {js_number(config['beta1'])} and "
            f"{js_number(config['beta2'])}, weight decay {js_number(config['weightDecay'])}). "
            f"{EXPORT_AGAIN}"
        )


def _dataset(meta: Mapping[str, str], min_vocab: int) -> dict[str, Any]:
    """The dataset, whose alphabet has at least `min_vocab` UTF-16 units: 2 for characters one
    example per line (the boundary and a character), 1 for characters of prose, 0 (it is empty)
    for byte tokens."""
    v = meta_json(meta, "dataset")
    if not (
        isinstance(v, dict)
        and isinstance(v.get("id"), str)
        and HEX64.match(v["id"])
        and isinstance(v.get("name"), str)
        and isinstance(v.get("vocab"), str)
        and utf16_length(v["vocab"]) >= min_vocab
        and (min_vocab > 0 or v["vocab"] == "")
        and is_count(v.get("trainExamples"))
        and is_count(v.get("valExamples"))
        and isinstance(v.get("tokenizer", ""), str)
        and ("corpus" not in v or _is_corpus_ref(v["corpus"]))
    ):
        raise bad_field(
            "dataset",
            "must describe the dataset (id, name, vocab, trainExamples, valExamples, "
            "tokenizer and corpus if any)",
        )
    keys = ("id", "name", "vocab", "trainExamples", "valExamples", "tokenizer")
    dataset = {k: v[k] for k in keys if k in v}
    if "corpus" in v:
        dataset["corpus"] = {"address": v["corpus"]["address"], "bytes": v["corpus"]["bytes"]}
    return dataset


def _is_corpus_ref(v: Any) -> bool:
    """A run on token shards names its corpus: a content address and the text's size."""
    return (
        isinstance(v, dict)
        and isinstance(v.get("address"), str)
        and HEX64.match(v["address"]) is not None
        and is_count(v.get("bytes"))
    )


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
    """Reads format-4 metadata (older versions are migrated first) in the browser's order of
    checks (checkpoint-metadata.ts decodeCheckpointMetadata)."""
    config = _config(meta)
    cursor = _cursor(meta)
    if meta_count(meta, "epoch") != cursor[0]:
        raise bad_field("epoch", f"disagrees with data_cursor's epoch {cursor[0]}")
    backend = meta_text(meta, "backend")
    if backend not in BACKENDS and not PRODUCER_BACKEND.match(backend):
        raise bad_field("backend", f"must be one of {', '.join(BACKENDS)} or torch-<device>")
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
    optimizer = _optimizer(meta)
    _check_optimizer(config, optimizer)
    # Byte and BPE tokens have no alphabet; a BPE's tokenizer.json travels in the dataset info.
    min_vocab = 0 if config["tokens"] != "char" else 2 if config["text"] == "lines" else 1
    dataset = _dataset(meta, min_vocab)
    if (config["tokens"] == "bpe") != ("tokenizer" in dataset):
        raise bad_field(
            "dataset", "must carry a tokenizer.json exactly when the run config says tokens=bpe"
        )
    if (config.get("corpus") == "shards") != ("corpus" in dataset):
        raise bad_field(
            "dataset", "must name its corpus exactly when the run config says corpus=shards"
        )
    tokenizer = describe_tokenizer(config, dataset["vocab"])
    if meta_text(meta, "tokenizer") != tokenizer:
        raise bad_field(
            "tokenizer",
            f"disagrees with the run config and the dataset's alphabet (it must be {tokenizer})",
        )
    return CheckpointMeta(
        step=meta_count(meta, "step"),
        cursor=cursor,
        prng=_prng(meta),
        optimizer=optimizer,
        metrics=read_metrics(meta),
        training_ms=float(training_ms),
        config=config,
        dataset=dataset,
        backend=backend,
        app_version=meta_text(meta, "app_version"),
        tfjs_version=meta_text(meta, "tfjs_version"),
        created_at=created_at,
        run_name=meta_text(meta, "run_name"),
        val_loss=None if val_loss is None else float(val_loss),
        sha256=_sha256(meta),
        guard=read_guard(meta),
    )
