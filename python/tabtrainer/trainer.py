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
from .adam_bridge import apply_weight_decay
from .checkpoint import Checkpoint, read_checkpoint
from .checkpoint_write import write_checkpoint
from .data_pipeline import batch_number
from .divergence_guard import Spike, judge_step, rewind_target, rewinds_within
from .dropout import dropout_tensors
from .errors import DivergenceError
from .evaluation import evaluate, validation_set
from .facts import REWIND_LIMIT, VAL_EVERY
from .lr_schedule import adam_rate, scheduled_rate
from .models import loss_count, nll_sum
from .run_state import RunState
from .text_dataset import host_batch, training_examples


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
    # Test hook: steps whose loss (and so every gradient) is made NaN, as session.ts
    # poisonNextStep does, each once.
    poison: set[int] | None = None


def backend_name(device: str) -> str:
    return f"torch-{device}"


def world() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


class Trainer:
    def __init__(self, state: RunState, options: Options) -> None:
        self.state = state
        self.options = options
        self.rank, self.world = world()
        # The states a spike can rewind to, newest first: the imported state, then each snapshot
        # this job commits, on the current branch (a rewind drops the newer ones).
        self.line: list[tuple[int, Checkpoint]] = []
        self.last_norm = float("nan")
        # The fixed validation chunks, built once (session.ts validationSet), and bits per byte
        # per nat of their targets: a constant of the run, reported, not stored.
        self.validation = validation_set(state.dataset, state.ckpt.meta.config)
        module = state.model
        self.net: torch.nn.Module = module
        if self.world > 1:
            self.net = torch.nn.parallel.DistributedDataParallel(module, broadcast_buffers=False)

    def train_step(
        self, stop_requested: bool = False, snapshot_due: bool = False
    ) -> tuple[float, bool, bool]:
        """One optimizer step on the next global batch. Returns the batch's loss before the update,
        whether any rank was asked to stop and whether any rank's snapshot clock ran out, so that
        every rank stops, and holds a snapshot for the guard, after the same step."""
        state, config = self.state, self.state.ckpt.meta.config
        examples = state.sampler.next()
        x, y, mask = host_batch(state.dataset, "train", examples, config)
        count = loss_count(y, mask)
        share = np.array_split(np.arange(len(examples)), self.world)[self.rank]
        rows = slice(int(share[0]), int(share[-1]) + 1) if len(share) else slice(0, 0)
        xs, ys = torch.from_numpy(x[rows]), torch.from_numpy(y[rows])
        ms = None if mask is None else torch.from_numpy(mask[rows])
        # gpt's masks for this batch number: the whole batch's stream, this rank's rows.
        masks = dropout_tensors(config, state.sampler.last_batch, len(examples), rows)
        state.adam.zero_grad(set_to_none=True)
        meta = state.ckpt.meta
        # session.ts trainStep: the schedule's rate of this step times the guard's factor, which
        # tfjs's Adam applies as a float32 scalar.
        rate = scheduled_rate(config, meta.step + 1, meta.guard["lrScale"])
        for group in state.adam.param_groups:
            group["lr"] = adam_rate(rate)
        local = nll_sum(self.net(xs, masks), ys, ms) / count
        poison = self.options.poison is not None and meta.step + 1 in self.options.poison
        if poison:
            self.options.poison.discard(meta.step + 1)
            local = local * float("nan")
        (local * self.world).backward()
        votes = [1.0 if stop_requested else 0.0, 1.0 if snapshot_due else 0.0]
        sync = torch.cat([local.detach().reshape(1), torch.tensor(votes, dtype=local.dtype)])
        if self.world > 1:
            dist.all_reduce(sync)  # the global batch's loss for the curve, and the votes
        loss, stop_any, due_any = sync[0], bool(sync[1].item() > 0), bool(sync[2].item() > 0)
        # gradients.ts: the global norm (before clipping), and clip/max(norm, clip) in float32,
        # exactly 1 below the threshold. DDP has averaged the gradients: every rank has the same.
        grads = [p.grad for p in state.model.params]
        norm = grads[0].square().sum()
        for g in grads[1:]:
            norm = norm + g.square().sum()
        norm = torch.sqrt(norm)
        if config["clip"] > 0:
            threshold = torch.tensor(config["clip"], dtype=torch.float32)
            factor = threshold / torch.maximum(norm, threshold)
            for g in grads:
                g.mul_(factor)
        # Collectives are all done before the update: a failed rank leaves the state at the step
        # boundary. AdamW's decay comes first, from the float64 rate, as session.ts applies it.
        apply_weight_decay(state.model, rate, config["weightDecay"])
        state.adam.step()
        state.advance_betas()
        meta.optimizer["iterations"] += 1
        meta.step += 1
        value = float(np.float32(loss.item()))
        self.last_norm = float(np.float32(norm.item()))
        state.record("train", meta.step, value)
        state.record("gradNorm", meta.step, self.last_norm)
        return value, stop_any, due_any

    def hold(self, ckpt: Checkpoint) -> None:
        """Keeps a committed state on the branch, and drops those no spike can rewind to any more:
        older than the newest state at least rewindMargin before the next step."""
        config = self.state.ckpt.meta.config
        if config["guard"] != 1:
            return
        self.line.insert(0, (ckpt.meta.step, ckpt))
        keep = rewind_target(self.line, self.state.step + 1, config["rewindMargin"])
        if keep is not None:
            self.line = [entry for entry in self.line if entry[0] >= keep[0]]

    def rewind(self, spike: Spike, loss: float) -> DivergenceError | None:
        """rewind.ts: back to the newest held state at least rewindMargin steps before the spike,
        the batches from there through the spike's join the skip list, the rate takes the
        rewind's factor. Three rewinds within rewindWindow: the DivergenceError to stop with."""
        state = self.state
        meta, config = state.ckpt.meta, state.ckpt.meta.config
        spike_step, spike_batch = meta.step, state.sampler.last_batch
        before = meta.guard
        target = rewind_target(self.line, spike_step, config["rewindMargin"])
        if target is None or spike_batch is None:
            raise RuntimeError("rewind with no held state")
        to_step, held = target
        self.line = [entry for entry in self.line if entry[0] <= to_step and entry[1] is not held]
        state.restore(held)
        size = training_examples(state.dataset, config["context"])
        skipped = {
            "fromBatch": batch_number(held.meta.cursor, size, config["batch"]),
            "toBatch": spike_batch + 1,
        }
        lr_scale = before["lrScale"] * config["rewindLrFactor"]
        finite = lambda x: x if np.isfinite(x) else None  # noqa: E731
        record = {
            "spikeStep": spike_step,
            "reason": spike.reason,
            "loss": finite(loss),
            "gradNorm": finite(self.last_norm),
            "mean": spike.mean,
            "toSnapshotId": f"tabtrainer-py/step-{to_step}",
            "toStep": to_step,
            "skipped": skipped,
            "lrScale": lr_scale,
        }
        state.set_guard(
            {
                "skips": [*before["skips"], skipped],
                "rewinds": [*before["rewinds"], record],
                "lrScale": lr_scale,
            }
        )
        # The rewound state is the branch's head from here (rewind.ts commits it at once).
        self.line.insert(0, (to_step, state.to_checkpoint(backend_name(self.options.device))))
        if self.rank == 0:
            what = (
                "a non-finite loss or gradient norm"
                if spike.reason == "non-finite"
                else f"loss {loss:.4f} > {config['spikeFactor']} x mean {spike.mean:.4f}"
            )
            self.opts_log(
                f"spike at step {spike_step} ({what}): rewound to step {to_step}, skipping batches "
                f"[{skipped['fromBatch']}, {skipped['toBatch']}), learning-rate factor {lr_scale}"
            )
        recent = rewinds_within(
            state.ckpt.meta.guard["rewinds"], spike_step, config["rewindWindow"]
        )
        if len(recent) < REWIND_LIMIT:
            return None
        return DivergenceError(
            [r["spikeStep"] for r in recent],
            config["rewindWindow"],
            state.step,
            config["lr"] * lr_scale,
            config["clip"],
        )

    def snapshot(self, path: str) -> None:
        """Commits the state: written by rank 0, and held by every rank for the guard."""
        if self.rank != 0 and self.state.ckpt.meta.config["guard"] != 1:
            return
        ckpt = self.state.to_checkpoint(backend_name(self.options.device))
        self.hold(ckpt)
        if self.rank != 0:
            return
        ckpt.meta.created_at = (
            datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        )
        ckpt.meta.app_version = PRODUCER
        ckpt.meta.tfjs_version = "none"
        write_checkpoint(
            path,
            ckpt,
            f"{PRODUCER} (torch {torch.__version__}, {self.world} "
            f"process{'es' if self.world > 1 else ''})",
        )

    def run(self, target_step: int) -> int:
        """Trains until target_step; returns the exit code (0 done, 128+signal when stopped)."""
        opts, meta = self.options, self.state.ckpt.meta
        start_step, started = meta.step, time.perf_counter()
        last_snapshot = started
        stop: list[int] = []
        previous = {
            s: signal.signal(s, lambda signum, _frame: stop.append(signum))
            for s in (signal.SIGTERM, signal.SIGINT)
        }
        self.hold(self.state.to_checkpoint(self.state.ckpt.meta.backend))
        try:
            while self.state.step < target_step:
                step_started = time.perf_counter()
                clock_due = time.perf_counter() - last_snapshot >= opts.snapshot_seconds
                loss, stopping, clock_due = self.train_step(bool(stop), clock_due)
                meta = self.state.ckpt.meta
                meta.training_ms += (time.perf_counter() - step_started) * 1000
                # training-loop.ts: the guard judges the step before its step boundary, so a
                # spiked state is never validated, logged as progress or snapshotted.
                spike = judge_step(
                    meta.config, meta.step, loss, self.last_norm, meta.metrics["train"]
                )
                if spike is not None:
                    diverged = self.rewind(spike, loss)
                    if diverged is not None:
                        raise diverged
                    if stopping:
                        self.snapshot(opts.snapshot)
                        signum = stop[0] if stop else signal.SIGTERM
                        self.opts_log(
                            f"stopped by signal {signum} at step {self.state.step}; rerun the "
                            f"same command to resume"
                        )
                        return 128 + signum
                    continue
                if meta.step % VAL_EVERY == 0:
                    meta.val_loss = evaluate(self.state.model, self.validation)
                    self.state.record("val", meta.step, meta.val_loss)
                    if self.rank == 0:
                        bits = meta.val_loss * self.validation.bits_per_byte_per_nat
                        self.opts_log(
                            f"step {meta.step}: validation loss {meta.val_loss:.4f} "
                            f"({bits:.4f} bits per byte)"
                        )
                now = time.perf_counter()
                if self.rank == 0 and (meta.step % opts.log_every == 0 or meta.step == target_step):
                    rate = (meta.step - start_step) / max(now - started, 1e-9)
                    self.opts_log(
                        f"step {meta.step}/{target_step}  loss {loss:.4f}  {rate:.1f} steps/s  "
                        f"epoch {self.state.sampler.cursor[0]}"
                    )
                if opts.fault is not None and opts.fault == (self.rank, meta.step):
                    os.kill(os.getpid(), signal.SIGKILL)
                due = (
                    opts.snapshot_steps > 0 and meta.step % opts.snapshot_steps == 0
                ) or clock_due
                if stopping or (due and meta.step < target_step):
                    self.snapshot(opts.snapshot)
                    last_snapshot = now
                    if self.rank == 0:
                        self.opts_log(f"snapshot at step {meta.step} -> {opts.snapshot}")
                if stopping:
                    signum = stop[0] if stop else signal.SIGTERM
                    self.opts_log(
                        f"stopped by signal {signum} at step {meta.step}; rerun the same "
                        f"command to resume"
                    )
                    return 128 + signum
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return 0

    def opts_log(self, text: str) -> None:
        self.options.log(f"[rank {self.rank}] {text}" if self.world > 1 else text)


def resume_point(source: Checkpoint, snapshot_path: str, target_step: int) -> Checkpoint:
    """The newer of the source and this job's own snapshot, when that snapshot continues the same
    run."""
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
