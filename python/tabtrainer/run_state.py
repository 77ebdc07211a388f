"""A checkpoint opened as a live run: model, Adam, data cursor, PRNG and metrics, checked against
the training text as the browser checks it (run-setup.ts reloadDataset / checkBatchFits)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from .adam_bridge import adam_tensors, advance_beta_power, create_adam
from .bpe_prose import run_bpe
from .checkpoint import Checkpoint
from .data_pipeline import BatchSampler, read_text, text_sha256
from .errors import CheckpointDatasetError
from .facts import BETA1_POWER_TENSOR, BETA2_POWER_TENSOR, ITER_TENSOR, MAX_METRIC_ROWS
from .models import CharModel
from .shard_corpus import load_run_corpus
from .text_dataset import TextDataset, batch_sampler, build_text_dataset, check_batch_fits
from .text_mode import vocab_size


@dataclass
class RunState:
    ckpt: Checkpoint
    dataset: TextDataset
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
        self.sampler = batch_sampler(config, self.dataset, self.sampler.cursor, guard["skips"])

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
        self.sampler = batch_sampler(meta.config, self.dataset, meta.cursor, meta.guard["skips"])
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


def _dataset_refusal(info: dict, sha256: str) -> CheckpointDatasetError:
    return CheckpointDatasetError(
        f'This checkpoint was trained on "{info["name"]}" (SHA-256 {info["id"][:12]}…), and the '
        f"text given (SHA-256 {sha256[:12]}…) is another. Pass the run's own text with --text."
    )


def load_run_text(source: Checkpoint, text: str) -> TextDataset:
    """The run's text tokenized as its config says, once its SHA-256 is the run's (checked
    first: another text must be refused as that, not as a text this run cannot read)."""
    info = source.meta.dataset
    sha256 = text_sha256(text)
    if sha256 != info["id"]:
        raise _dataset_refusal(info, sha256)
    config = source.meta.config
    # A BPE run tokenizes with the tokenizer.json its file carries, as the browser did.
    bpe = run_bpe(config, info)
    return build_text_dataset(info["name"], text, config, bpe)


def load_run_dataset(source: Checkpoint, path: str) -> TextDataset:
    """The run's dataset from the file at `path`: its text read as the page reads a picked file,
    or, for a run on token shards, the bytes its corpus was made from."""
    if "corpus" in source.meta.dataset:
        return load_run_corpus(source, path)
    return load_run_text(source, read_text(path))


def open_run(source: Checkpoint, dataset: TextDataset) -> RunState:
    # The run owns its metadata: training must not change the source it was opened from.
    ckpt = Checkpoint(
        source.format_version, copy.deepcopy(source.meta), dict(source.raw_meta), source.tensors
    )
    meta = ckpt.meta
    info = meta.dataset
    alphabet = "".join(dataset.vocab)
    if dataset.sha256 != info["id"] or alphabet != info["vocab"]:
        raise _dataset_refusal(info, dataset.sha256)
    config = meta.config
    # run-setup.ts checkBatchFits, as the browser checks a run it resumes.
    check_batch_fits(info["name"], config, dataset)
    model = CharModel(config, vocab_size(config, alphabet), ckpt.tensors)
    adam = create_adam(model, meta.optimizer, ckpt.tensors)
    sampler = batch_sampler(config, dataset, meta.cursor, meta.guard["skips"])
    betas = (ckpt.tensors[BETA1_POWER_TENSOR].copy(), ckpt.tensors[BETA2_POWER_TENSOR].copy())
    return RunState(ckpt, dataset, model, adam, sampler, betas)
