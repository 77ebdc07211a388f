"""Validation as the browser scores it (workers/training/evaluation.ts): a fixed part of the
validation split, no randomness, each chunk's mean loss weighted by its number of targets (the
transformer on lines by its rows, as it always was), and bits per byte."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import torch

from .facts import VAL_CHUNK, VAL_CHUNK_TOKENS, VAL_EXAMPLES, VAL_TOKENS
from .models import CharModel, cross_entropy
from .prose_data import ProseDataset, window_starts
from .text_dataset import TextDataset, host_batch, token_byte_lengths, trains_all_positions


@dataclass(frozen=True)
class Chunk:
    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray | None
    weight: int


@dataclass(frozen=True)
class ValidationSet:
    chunks: list[Chunk]
    # The targets counted and the bytes of text they stand for.
    tokens: int
    bytes: int

    @property
    def bits_per_byte_per_nat(self) -> float:
        """Nats per token to bits per byte of these targets: a constant of the run."""
        return self.tokens / (self.bytes * math.log(2))


def validation_set(data: TextDataset, config: Mapping[str, Any]) -> ValidationSet:
    """Lines: the first 512 examples in chunks of 256. Prose: consecutive windows from the
    start of the validation tail, about 4,096 targets, each token once, in chunks of about
    2,048."""
    every = trains_all_positions(config)
    context = config["context"]
    if isinstance(data, ProseDataset):
        windows = min(
            (len(data.val) - 1) // context,
            math.ceil(VAL_TOKENS / context),
            window_starts(len(data.val), context),
        )
        starts = [k * context for k in range(windows)]
        chunk_rows = max(1, VAL_CHUNK_TOKENS // (context if every else 1))
    else:
        starts = list(range(min(VAL_EXAMPLES, len(data.val.targets))))
        chunk_rows = VAL_CHUNK
    lengths = token_byte_lengths(data)
    by_rows = not isinstance(data, ProseDataset) and config["model"] == "transformer"
    chunks: list[Chunk] = []
    tokens = size = 0
    for s in range(0, len(starts), chunk_rows):
        rows = np.array(starts[s : s + chunk_rows], dtype=np.int64)
        x, y, mask = host_batch(data, "val", rows, config)
        counted = y.reshape(-1) if mask is None else y.reshape(-1)[mask.reshape(-1) != 0]
        tokens += counted.size
        size += int(lengths[counted].sum())
        chunks.append(Chunk(x, y, mask, len(rows) if by_rows else counted.size))
    return ValidationSet(chunks, tokens, size)


def evaluate(model: CharModel, validation: ValidationSet) -> float:
    """The mean validation loss per target in nats (float64 over the float32 chunk means, as
    JavaScript sums them), without dropout."""
    total = weights = 0.0
    with torch.no_grad():
        for c in validation.chunks:
            mask = None if c.mask is None else torch.from_numpy(c.mask)
            loss = cross_entropy(model(torch.from_numpy(c.x)), torch.from_numpy(c.y), mask)
            total += float(np.float32(loss.item())) * c.weight
            weights += c.weight
    return total / weights
