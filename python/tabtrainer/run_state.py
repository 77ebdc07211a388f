"""A checkpoint opened as a live run: model, Adam, data cursor, PRNG and metrics, checked against
the training text as the browser checks it (run-setup.ts reloadDataset / checkBatchFits)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from .adam_bridge import adam_tensors, advance_beta_power, create_adam
from .checkpoint import BETA1_POWER, BETA2_POWER, ITER, Checkpoint
from .data_pipeline import BatchSampler, CharDataset
from .errors import CheckpointDatasetError, DatasetError
from .models import CharModel

MAX_METRIC_ROWS = 4000


@dataclass
class RunState:
    ckpt: Checkpoint
    dataset: CharDataset
    model: CharModel
    adam: torch.optim.Adam
    sampler: BatchSampler
    beta_powers: tuple[np.ndarray, np.ndarray]

    @property
    def step(self) -> int:
        return self.ckpt.meta.step

    def record(self, which: str, step: int, loss: float) -> None:
        """Thins the oldest half when full, as session.ts does, so the curve stays bounded."""
        rows = self.ckpt.meta.metrics[which]
        rows.append([step, loss])
        if len(rows) > MAX_METRIC_ROWS:
            rows[:] = [r for i, r in enumerate(rows) if i >= MAX_METRIC_ROWS // 2 or i % 2 == 0]

    def advance_betas(self) -> None:
        c = self.ckpt.meta.optimizer["config"]
        self.beta_powers = (
            advance_beta_power(self.beta_powers[0], c["beta1"]),
            advance_beta_power(self.beta_powers[1], c["beta2"]),
        )

    def to_checkpoint(self, backend: str) -> Checkpoint:
        """The current state as a checkpoint; tensors are copies, safe to write in the background."""
        meta = copy.deepcopy(self.ckpt.meta)
        meta.cursor = self.sampler.cursor
        meta.backend = backend
        tensors: dict[str, np.ndarray] = {
            f"model/{n}": p.detach().numpy().astype(np.float32, copy=True) for n, p in zip(self.model.names, self.model.params)
        }
        tensors.update(adam_tensors(self.model, self.adam))
        tensors[ITER] = np.array(meta.optimizer["iterations"], dtype=np.int32)
        tensors[BETA1_POWER] = self.beta_powers[0].copy()
        tensors[BETA2_POWER] = self.beta_powers[1].copy()
        return Checkpoint(self.ckpt.format_version, meta, dict(self.ckpt.raw_meta), tensors)


def open_run(source: Checkpoint, dataset: CharDataset) -> RunState:
    # The run owns its metadata: training must not change the source it was opened from.
    ckpt = Checkpoint(source.format_version, copy.deepcopy(source.meta), dict(source.raw_meta), source.tensors)
    meta = ckpt.meta
    info = meta.dataset
    if dataset.sha256 != info["id"] or "".join(dataset.vocab) != info["vocab"]:
        raise CheckpointDatasetError(
            f'This checkpoint was trained on "{info["name"]}" (SHA-256 {info["id"][:12]}…), and the '
            f"text given (SHA-256 {dataset.sha256[:12]}…) is another. Pass the run's own text with --text."
        )
    config = meta.config
    if config["batch"] > len(dataset.train.targets):
        raise DatasetError(
            f"Batch size {config['batch']} exceeds the {len(dataset.train.targets)} training examples "
            f'of "{info["name"]}". Lower the batch size.'
        )
    model = CharModel(config, len(dataset.vocab), ckpt.tensors)
    adam = create_adam(model, meta.optimizer, ckpt.tensors)
    sampler = BatchSampler(config["seed"], len(dataset.train.targets), config["batch"], meta.cursor)
    betas = (ckpt.tensors[BETA1_POWER].copy(), ckpt.tensors[BETA2_POWER].copy())
    return RunState(ckpt, dataset, model, adam, sampler, betas)
