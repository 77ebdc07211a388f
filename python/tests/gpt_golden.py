"""The gpt goldens (tests/unit/python-golden-gpt.test.ts): the browser's checkpoints, the next
batch's math and the continuation, read once per test module."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paths import GOLDEN, REPO
from tabtrainer.safetensors_io import read_layout, read_tensor_bytes, to_array

RUNS = ("gpt", "gpt-char", "gpt-bpe")
TEXT = str(REPO / "tests/fixtures/text/mark.txt")


@dataclass(frozen=True)
class GptGolden:
    name: str
    start: Path
    end: Path
    json: dict
    # `logits` and `grad/<variable>` of the batch after the start checkpoint.
    math: dict[str, np.ndarray]


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        layout = read_layout(f, os.fstat(f.fileno()).st_size)
        return {e.name: to_array(e, read_tensor_bytes(f, layout, e)) for e in layout.entries}


def golden(name: str) -> GptGolden:
    return GptGolden(
        name,
        GOLDEN / f"{name}-start.safetensors",
        GOLDEN / f"{name}-end.safetensors",
        json.loads((GOLDEN / f"{name}.json").read_text()),
        read_arrays(GOLDEN / f"{name}-math.safetensors"),
    )


def rel_err(got: np.ndarray, want: np.ndarray) -> float:
    """max |got - want| over the largest |want|: per-element relative error is meaningless
    for gradients that are nearly 0."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    return float(np.max(np.abs(got - want)) / max(np.max(np.abs(want)), 1e-30))
