"""A checkpoint opened as a live run: model, Adam, data cursor, PRNG and metrics, checked against
the training text as the browser checks it (run-setup.ts reloadDataset / checkBatchFits)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from .adam_bridge import adam_tensors, advance_beta_power, create_adam
from .checkpoint import Checkpoint
from .data_pipeline import BatchSampler, CharDataset
from .errors import CheckpointDatasetError, DatasetError
from .facts import BETA1_POWER_TENSOR, BETA2_POWER_TENSOR, ITER_TENSOR, MAX_METRIC_ROWS
from .models import CharModel


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
        rows = self.ckpt.meta.metrics.setdefault(which, [])
        rows.append([step, loss])
        if len(rows) > MAX_METRIC_ROWS:
            rows[:] = [r for i, r in enumerate(rows) if i >= MAX_METRIC_ROWS // 2 or i % 2 == 0]

    def set_guard(self, guard: dict) -> None:
        """session.ts setGuard: the guard's new state, and the sampler's skip list with it."""
        self.ckpt.meta.guard = guard
        config = self.ckpt.meta.config
        self.sampler = BatchSampler(
            config["seed"],
            len(self.dataset.train.targets),
            config["batch"],
            self.sampler.cursor,
            guard["skips"],
        )

    def restore(self, held: Checkpoint) -> None:
        """Puts the whole state back at `held` (a rewind): the parameters in place (so a DDP
        wrapper stays valid), a fresh Adam with the held slots, the cursor, metrics and guard.
        Wall-clock training time is not rewound: it was spent (session.ts setHost)."""
        training_ms = self.ckpt.meta.training_ms
        meta = copy.deepcopy(held.meta)
        meta.training_ms = training_ms
        self.ckpt = Checkpoint(held.format_version, meta, dict(held.raw_meta), held.tensors)
        with torch.no_grad():
            for name, param in zip(self.model.names, self.model.params):
                param.copy_(torch.from_numpy(held.tensors[f"model/{name}"].copy()))
        self.adam = create_adam(self.model, meta.optimizer, held.tensors)
        config = meta.config
        self.sampler = BatchSampler(
            config["seed"],
            len(self.dataset.train.targets),
            config["batch"],
            meta.cursor,
            meta.guard["skips"],
        )
        self.beta_powers = (
            held.tensors[BETA1_POWER_TENSOR].copy(),
            held.tensors[BETA2_POWER_TENSOR].copy(),
        )

    def advance_betas(self) -> None:
        c = self.ckpt.meta.optimizer["config"]
        self.beta_powers = (
            advance_beta_power(self.beta_powers[0], c["beta1"]),
            advance_beta_power(self.beta_powers[1], c["beta2"]),
        )

    def to_checkpoint(self, backend: str) -> Checkpoint:
        """The current state as a checkpoint; its tensors are copies, safe to write in the
        background."""
        meta = copy.deepcopy(self.ckpt.meta)
        meta.cursor = self.sampler.cursor
        meta.backend = backend
        tensors: dict[str, np.ndarray] = {
            f"model/{n}": p.detach().numpy().astype(np.float32, copy=True)
            for n, p in zip(self.model.names, self.model.params)
        }
        tensors.update(adam_tensors(self.model, self.adam))
        tensors[ITER_TENSOR] = np.array(meta.optimizer["iterations"], dtype=np.int32)
        tensors[BETA1_POWER_TENSOR] = self.beta_powers[0].copy()
        tensors[BETA2_POWER_TENSOR] = self.beta_powers[1].copy()
        return Checkpoint(self.ckpt.format_version, meta, dict(self.ckpt.raw_meta), tensors)


def open_run(source: Checkpoint, dataset: CharDataset) -> RunState:
    # The run owns its metadata: training must not change the source it was opened from.
    ckpt = Checkpoint(
        source.format_version, copy.deepcopy(source.meta), dict(source.raw_meta), source.tensors
    )
    meta = ckpt.meta
    info = meta.dataset
    if dataset.sha256 != info["id"] or "".join(dataset.vocab) != info["vocab"]:
        raise CheckpointDatasetError(
            f'This checkpoint was trained on "{info["name"]}" (SHA-256 {info["id"][:12]}…), and '
            f"the text given (SHA-256 {dataset.sha256[:12]}…) is another. Pass the run's own text "
            f"with --text."
        )
    config = meta.config
    if config["batch"] > len(dataset.train.targets):
        raise DatasetError(
            f"Batch size {config['batch']} exceeds the {len(dataset.train.targets)} training "
            f'examples of "{info["name"]}". Lower the batch size.'
        )
    model = CharModel(config, len(dataset.vocab), ckpt.tensors)
    adam = create_adam(model, meta.optimizer, ckpt.tensors)
    sampler = BatchSampler(
        config["seed"],
        len(dataset.train.targets),
        config["batch"],
        meta.cursor,
        meta.guard["skips"],
    )
    betas = (ckpt.tensors[BETA1_POWER_TENSOR].copy(), ckpt.tensors[BETA2_POWER_TENSOR].copy())
    return RunState(ckpt, dataset, model, adam, sampler, betas)
