"""The browser's models as torch.nn.Modules that compute what tfjs computes
(workers/training/models/*.ts): embeddings as one-hot matmuls, dense kernels kept [in, out] so
the checkpoint's tensors and Adam's slots map without transposes, the transformer's q|k|v split,
scale, additive causal mask, layer norm with biased variance and eps 1e-5, GELU's tanh
approximation, gpt's dropout sites and tied head; and the masked mean cross-entropy of
workers/training/loss.ts."""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .facts import LN_EPSILON
from .run_config import model_spec


def embed(ids: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    onehot = F.one_hot(ids.reshape(-1).long(), table.shape[0]).to(table.dtype)
    return (onehot @ table).reshape(*ids.shape, table.shape[1])


def dense(x: torch.Tensor, kernel: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    rows = x.reshape(-1, kernel.shape[0])
    return (rows @ kernel + bias).reshape(*x.shape[:-1], kernel.shape[1])


def layer_norm(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    mean = x.mean(-1, keepdim=True)
    variance = ((x - mean) ** 2).mean(-1, keepdim=True)  # biased, as tf.moments
    return (x - mean) / torch.sqrt(variance + LN_EPSILON) * gamma + beta


def gelu(x: torch.Tensor) -> torch.Tensor:
    inner = (x + x**3 * 0.044715) * math.sqrt(2 / math.pi)
    return x * 0.5 * (torch.tanh(inner) + 1)


# A dropout site: multiplies by its mask, in forward order (one per call), or keeps everything.
Dropout = Callable[[torch.Tensor], torch.Tensor]


def _kept(h: torch.Tensor) -> torch.Tensor:
    return h


def causal_mask(t: int) -> torch.Tensor:
    """Additive causal mask: 0 on and below the diagonal, -1e9 above (as tfjs's bandPart)."""
    return (1 - torch.tril(torch.ones(t, t))) * -1e9


class CharModel(nn.Module):
    """Parameters in the spec's order (the optimizer's and the file's), named as in the file."""

    def __init__(
        self, config: Mapping[str, Any], vocab_size: int, weights: Mapping[str, np.ndarray]
    ) -> None:
        super().__init__()
        self.config = dict(config)
        self.vocab_size = vocab_size
        self.specs = model_spec(self.config, vocab_size)
        self.names = [v.name for v in self.specs]
        self.params = nn.ParameterList(
            nn.Parameter(torch.from_numpy(np.array(weights[f"model/{n}"], dtype=np.float32)))
            for n in self.names
        )
        self.index = {n: i for i, n in enumerate(self.names)}

    def get(self, name: str) -> torch.Tensor:
        return self.params[self.index[name]]

    def forward(
        self, x: torch.Tensor, dropout: Sequence[torch.Tensor] | None = None
    ) -> torch.Tensor:
        """Logits [rows, context, vocab] (transformer, gpt) or of the next token [rows, vocab]
        (mlp). With masks (gpt, training with dropout) the dropout sites apply them."""
        model = self.config["model"]
        if model == "gpt":
            return self._gpt(x, dropout)
        return self._mlp(x) if model == "mlp" else self._transformer(x)

    def _mlp(self, x: torch.Tensor) -> torch.Tensor:
        rows, context = x.shape
        h = embed(x, self.get("emb")).reshape(rows, context * self.config["embed"])
        for i in range(self.config["layers"]):
            h = torch.tanh(dense(h, self.get(f"hidden{i}/kernel"), self.get(f"hidden{i}/bias")))
        return dense(h, self.get("out/kernel"), self.get("out/bias"))

    def _attention(self, x: torch.Tensor, b: str, mask: torch.Tensor) -> torch.Tensor:
        rows, t, width = x.shape
        heads = self.config["heads"]
        head_dim = width // heads
        qkv = dense(x, self.get(f"{b}/attn/qkv/kernel"), self.get(f"{b}/attn/qkv/bias"))
        q, k, v = (
            part.reshape(rows, t, heads, head_dim).permute(0, 2, 1, 3)
            for part in qkv.split(width, -1)
        )
        scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(head_dim)) + mask
        mixed = torch.softmax(scores, -1) @ v
        merged = mixed.permute(0, 2, 1, 3).reshape(rows, t, width)
        return dense(merged, self.get(f"{b}/attn/proj/kernel"), self.get(f"{b}/attn/proj/bias"))

    def _block(
        self, h: torch.Tensor, i: int, causal: torch.Tensor, drop: Dropout = _kept
    ) -> torch.Tensor:
        """Pre-LN block i: h + drop(attn(ln1(h))), then h + drop(mlp(ln2(h)))."""
        b = f"block{i}"
        a = layer_norm(h, self.get(f"{b}/ln1/gamma"), self.get(f"{b}/ln1/beta"))
        h = h + drop(self._attention(a, b, causal))
        m = layer_norm(h, self.get(f"{b}/ln2/gamma"), self.get(f"{b}/ln2/beta"))
        fc = gelu(dense(m, self.get(f"{b}/mlp/fc/kernel"), self.get(f"{b}/mlp/fc/bias")))
        return h + drop(dense(fc, self.get(f"{b}/mlp/proj/kernel"), self.get(f"{b}/mlp/proj/bias")))

    def _gpt(self, x: torch.Tensor, dropout: Sequence[torch.Tensor] | None) -> torch.Tensor:
        """models/gpt.ts: token + position embeddings, dropout, the blocks, the final LN, and
        logits from the token embedding itself (tie 1: h @ tok_embᵀ) or a bias-free head."""
        rows, t = x.shape
        masks = iter(dropout or ())
        drop: Dropout = (lambda h: h * next(masks)) if dropout is not None else _kept
        tokens = self.get("tok_emb")
        h = drop(embed(x, tokens) + self.get("pos_emb")[:t, : self.config["embed"]])
        causal = causal_mask(t)
        for i in range(self.config["layers"]):
            h = self._block(h, i, causal, drop)
        final = layer_norm(h, self.get("ln_f/gamma"), self.get("ln_f/beta"))
        final = final.reshape(-1, self.config["embed"])
        head = tokens.t() if self.config["tie"] == 1 else self.get("head/kernel")
        return (final @ head).reshape(rows, t, self.vocab_size)

    def _transformer(self, x: torch.Tensor) -> torch.Tensor:
        rows, t = x.shape
        width = self.config["embed"]
        causal = causal_mask(t)
        h = embed(x, self.get("tok_emb")) + self.get("pos_emb")[:t, :width]
        for i in range(self.config["layers"]):
            h = self._block(h, i, causal)
        h = layer_norm(h, self.get("ln_f/gamma"), self.get("ln_f/beta"))
        return dense(h, self.get("head/kernel"), self.get("head/bias"))


def nll_sum(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Sum of the (masked) per-position negative log-likelihoods; the caller divides by the count,
    which under DDP is the global batch's, not this rank's."""
    vocab = logits.shape[-1]
    flat = logits.reshape(-1, vocab)
    onehot = F.one_hot(targets.reshape(-1).long(), vocab).to(flat.dtype)
    nll = -(torch.log_softmax(flat, -1) * onehot).sum(-1)
    return nll.sum() if mask is None else (nll * mask.reshape(-1)).sum()


def loss_count(targets: np.ndarray, mask: np.ndarray | None) -> float:
    """What crossEntropy divides by: every target (tf.mean), or the mask's sum but at least 1."""
    return float(targets.size) if mask is None else max(float(np.sum(mask, dtype=np.float32)), 1.0)


def cross_entropy(
    logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None
) -> torch.Tensor:
    count = (
        logits.reshape(-1, logits.shape[-1]).shape[0]
        if mask is None
        else torch.clamp(mask.sum(), min=1)
    )
    return nll_sum(logits, targets, mask) / count
