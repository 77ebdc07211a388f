"""gpt's dropout masks as the browser draws them (workers/training/dropout.ts), so a step in
torch multiplies by the very masks the tab would have: one stream per batch number,
xoshiro128**(deriveSeed(seed, 0xd40b, batch number)); for each site in forward order (the
embeddings, then each block's attention and MLP residuals) and each element of its
[rows, context, embed] in row-major order one nextUint32(): dropped when u / 2^32 < p, else kept
and scaled by float32(1 / (1 - p))."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import torch

from .facts import DROPOUT_STREAM
from .prng import Prng, derive_seed
from .prng_lanes import stream_words


def dropout_sites(config: Mapping[str, Any]) -> int:
    """models/gpt.ts dropoutSites: the embeddings, then each block's two residual branches."""
    return 1 + 2 * config["layers"] if config["model"] == "gpt" else 0


def dropout_masks(seed: int, number: int, p: float, sites: int, size: int) -> np.ndarray:
    """Batch `number`'s masks, float32 [sites, size]."""
    words = stream_words(Prng.from_seed(derive_seed(seed, DROPOUT_STREAM, number)), sites * size)
    keep = np.float32(1 / (1 - p))
    # p · 2^32 in float64, compared with each word exactly, as `u < threshold` in JavaScript.
    masks = np.where(words < p * 4294967296, np.float32(0), keep).astype(np.float32)
    return masks.reshape(sites, size)


def dropout_tensors(
    config: Mapping[str, Any], number: int, rows: int, share: slice | None = None
) -> list[torch.Tensor] | None:
    """Batch `number`'s masks as [rows, context, embed] tensors, or None at p 0. Under DDP a rank
    draws the whole batch's masks (one stream runs through every row) and keeps its `share` of
    the rows."""
    p = config["dropout"]
    if p == 0:
        return None
    shape = (rows, config["context"], config["embed"])
    masks = dropout_masks(config["seed"], number, p, dropout_sites(config), int(np.prod(shape)))
    picked = [m.reshape(shape)[share if share is not None else slice(None)] for m in masks]
    return [torch.from_numpy(np.ascontiguousarray(m)) for m in picked]
