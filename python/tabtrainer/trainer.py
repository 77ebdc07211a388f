"""Continues a run: the browser's training step in torch, on one process or under DDP, with
progress, snapshots (on an interval and on SIGTERM/SIGINT) and the resume of its own snapshots.

Under DDP every rank draws the whole global batch from the shared cursor and trains on its own
contiguous share of the rows; each rank's loss is its share's summed NLL over the *global* count,
times the world size, so DDP's gradient average equals the single-process gradient."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import numpy as np
import torch
import torch.distributed as dist

from . import PRODUCER
from .checkpoint import Checkpoint, read_checkpoint, write_checkpoint
from .data_pipeline import gather_batch
from .models import CharModel, cross_entropy, loss_count, nll_sum
from .run_state import RunState

VAL_EVERY = 25  # as the browser's controller: a validation loss every 25 steps
VAL_EXAMPLES = 512
VAL_CHUNK = 256


@dataclass
class Options:
    snapshot: str
    snapshot_seconds: float = 60.0
    snapshot_steps: int = 0
    log_every: int = 10
    device: str = "cpu"
    log: Callable[[str], None] = print
    # Test hook: (rank, step) at which this process kills itself with SIGKILL, first attempt only.
    fault: tuple[int, int] | None = None


def backend_name(device: str) -> str:
    return f"torch-{device}"


def world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def evaluate(model: CharModel, state: RunState) -> float:
    """Loss on the first 512 validation examples, in chunks of 256, as session.ts evaluate()."""
    split, config = state.dataset.val, state.ckpt.meta.config
    count = min(VAL_EXAMPLES, len(split.targets))
    total = 0.0
    with torch.no_grad():
        for start in range(0, count, VAL_CHUNK):
            rows = min(VAL_CHUNK, count - start)
            x, y, mask = gather_batch(split, np.arange(start, start + rows), config["context"], config["model"] == "transformer")
            loss = cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y), None if mask is None else torch.from_numpy(mask))
            total += float(np.float32(loss.item())) * rows
    return total / count


class Trainer:
    def __init__(self, state: RunState, options: Options) -> None:
        self.state = state
        self.options = options
        self.rank, self.world = world()
        module = state.model
        self.net: torch.nn.Module = module
        if self.world > 1:
            self.net = torch.nn.parallel.DistributedDataParallel(module, broadcast_buffers=False)

    def train_step(self, stop_requested: bool = False) -> tuple[float, bool]:
        """One optimizer step on the next global batch. Returns the batch's loss before the update
        and whether any rank was asked to stop, so that every rank stops after the same step."""
        state, config = self.state, self.state.ckpt.meta.config
        examples = state.sampler.next()
        transformer = config["model"] == "transformer"
        x, y, mask = gather_batch(state.dataset.train, examples, config["context"], transformer)
        count = loss_count(len(examples), mask)
        share = np.array_split(np.arange(len(examples)), self.world)[self.rank]
        xs, ys = torch.from_numpy(x[share]), torch.from_numpy(y[share])
        ms = None if mask is None else torch.from_numpy(mask[share])
        state.adam.zero_grad(set_to_none=True)
        local = nll_sum(self.net(xs), ys, ms) / count
        (local * self.world).backward()
        sync = torch.stack([local.detach(), torch.tensor(1.0 if stop_requested else 0.0)])
        if self.world > 1:
            dist.all_reduce(sync)  # the global batch's loss for the curve, and the stop vote
        loss, stop_any = sync[0], bool(sync[1].item() > 0)
        # Collectives are all done before the update: a failed rank leaves the state at the step boundary.
        state.adam.step()
        state.advance_betas()
        meta = state.ckpt.meta
        meta.optimizer["iterations"] += 1
        meta.step += 1
        value = float(np.float32(loss.item()))
        state.record("train", meta.step, value)
        return value, stop_any

    def snapshot(self, path: str) -> None:
        if self.rank != 0:
            return
        ckpt = self.state.to_checkpoint(backend_name(self.options.device))
        ckpt.meta.created_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        ckpt.meta.app_version = PRODUCER
        ckpt.meta.tfjs_version = "none"
        write_checkpoint(path, ckpt, f"{PRODUCER} (torch {torch.__version__}, {self.world} process{'es' if self.world > 1 else ''})")

    def run(self, target_step: int) -> int:
        """Trains until target_step; returns the exit code (0 done, 128+signal when stopped)."""
        opts, meta = self.options, self.state.ckpt.meta
        start_step, started = meta.step, time.perf_counter()
        last_snapshot = started
        stop: list[int] = []
        previous = {s: signal.signal(s, lambda signum, _frame: stop.append(signum)) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            while meta.step < target_step:
                step_started = time.perf_counter()
                loss, stopping = self.train_step(bool(stop))
                meta.training_ms += (time.perf_counter() - step_started) * 1000
                if meta.step % VAL_EVERY == 0:
                    meta.val_loss = evaluate(self.state.model, self.state)
                    self.state.record("val", meta.step, meta.val_loss)
                now = time.perf_counter()
                if self.rank == 0 and (meta.step % opts.log_every == 0 or meta.step == target_step):
                    rate = (meta.step - start_step) / max(now - started, 1e-9)
                    self.opts_log(f"step {meta.step}/{target_step}  loss {loss:.4f}  {rate:.1f} steps/s  epoch {self.state.sampler.cursor[0]}")
                if opts.fault is not None and opts.fault == (self.rank, meta.step):
                    os.kill(os.getpid(), signal.SIGKILL)
                due = (opts.snapshot_steps > 0 and meta.step % opts.snapshot_steps == 0) or (
                    now - last_snapshot >= opts.snapshot_seconds
                )
                if stopping or (due and meta.step < target_step):
                    self.snapshot(opts.snapshot)
                    last_snapshot = now
                    if self.rank == 0:
                        self.opts_log(f"snapshot at step {meta.step} -> {opts.snapshot}")
                if stopping:
                    signum = stop[0] if stop else signal.SIGTERM
                    self.opts_log(f"stopped by signal {signum} at step {meta.step}; rerun the same command to resume")
                    return 128 + signum
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return 0

    def opts_log(self, text: str) -> None:
        self.options.log(f"[rank {self.rank}] {text}" if self.world > 1 else text)


def resume_point(source: Checkpoint, snapshot_path: str, target_step: int) -> Checkpoint:
    """The newer of the source and this job's own snapshot, when that snapshot continues the same run."""
    if not os.path.exists(snapshot_path):
        return source
    snap = read_checkpoint(snapshot_path)
    same = (
        snap.meta.config == source.meta.config
        and snap.meta.dataset["id"] == source.meta.dataset["id"]
        and snap.meta.run_name == source.meta.run_name
        and source.meta.step <= snap.meta.step <= target_step
    )
    return snap if same else source
